package io.takeover.robot.sdk;

import io.takeover.robot.sdk.OutboxSpool.Entry;
import io.takeover.schemas.Intervention;
import io.takeover.schemas.Step;
import io.takeover.schemas.Topics;
import io.takeover.schemas.kafka.KafkaConnection;
import io.takeover.schemas.wire.Codecs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes steps and interventions to Kafka, keyed by robot id, with the event time as the
 * record timestamp, without ever blocking the control loop: records wait in a bounded queue for
 * a sender thread; when Kafka is slow or down and the queue is full, they go to a spool file on
 * local disk, and are sent from there, in order, once Kafka takes them again. Idempotent
 * producer: retries never duplicate or reorder a robot's records. A spool left by a run that
 * stopped before Kafka came back is sent first by the next; what a power loss tore or a bad disk
 * damaged in it is cut off or moved aside first, logged, and counted ({@link #spoolRecordsDropped}).
 * If the sender thread stops on an error, {@link #senderFailure} says why, and records go on to
 * the spool for the next run to send.
 */
public final class KafkaOutbox implements RobotOutbox {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaOutbox.class);

    /**
     * @param spool          the spool file (its directory is created)
     * @param memoryRecords  records kept in memory before spooling
     * @param producerBytes  the Kafka producer's own buffer
     */
    public record Settings(Path spool, int memoryRecords, long producerBytes) {
        public static Settings in(Path dir) {
            return new Settings(dir.resolve("outbox.spool"), 10_000, 8L << 20);
        }
    }

    private final KafkaProducer<String, byte[]> producer;
    private final Topics topics;
    private final Settings settings;
    private final BlockingQueue<Entry> queue;
    private final Object spoolLock = new Object();
    private OutboxSpool spool; // non-null while records go to disk; guarded by spoolLock
    private final AtomicLong spooled = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong spoolDropped = new AtomicLong();
    private final Thread sender;
    private volatile boolean closing;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean abandoned; // close gave up waiting and interrupted the sender
    private volatile Throwable senderFailure; // written under spoolLock

    public KafkaOutbox(KafkaConnection kafka, Settings settings) {
        Properties props = kafka.clientProperties();
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.MAX_VALUE); // only the sender thread waits
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, settings.producerBytes());
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        this.topics = kafka.topics();
        this.settings = settings;
        this.queue = new ArrayBlockingQueue<>(settings.memoryRecords());
        if (Files.exists(settings.spool())) {
            spool = openSpool();
            LOG.info("sending what an earlier run spooled to {} first", settings.spool());
        }
        this.sender = new Thread(this::send, "outbox-sender");
        sender.setDaemon(true);
        sender.start();
    }

    @Override
    public void step(Step step) {
        offer(new Entry(topics.steps(), step.getRobotId(), step.getEventTime().toEpochMilli(),
                Codecs.STEP.encode(step)));
    }

    @Override
    public void intervention(Intervention intervention) {
        offer(new Entry(topics.interventions(), intervention.getRobotId(),
                intervention.getEventTime().toEpochMilli(), Codecs.INTERVENTION.encode(intervention)));
    }

    /**
     * Never waits for Kafka: to memory while there is room, nothing is spooled and the sender
     * runs, else to disk.
     */
    private void offer(Entry entry) {
        synchronized (spoolLock) {
            if (spool == null && senderFailure == null && queue.offer(entry)) {
                return;
            }
            if (spool == null) {
                spool = openSpool();
                LOG.warn("Kafka is not keeping up: spooling records to {}", settings.spool());
            }
            spool.append(entry);
            spooled.incrementAndGet();
        }
    }

    private OutboxSpool openSpool() {
        OutboxSpool opened = new OutboxSpool(settings.spool());
        spoolDropped.addAndGet(opened.dropped());
        return opened;
    }

    /**
     * Sends the queue, then the spool (whose records all came after the queue's), until a spool
     * read to its end is deleted and records go to memory again.
     */
    private void send() {
        try {
            while (!closing || !queue.isEmpty() || hasSpool()) {
                Entry entry = queue.poll(50, TimeUnit.MILLISECONDS);
                if (entry != null) {
                    send(entry);
                    continue;
                }
                OutboxSpool s;
                long end;
                synchronized (spoolLock) {
                    s = spool;
                    if (s == null) {
                        continue;
                    }
                    end = s.flush();
                }
                while (s.hasUnread(end)) {
                    send(s.next());
                }
                synchronized (spoolLock) {
                    if (!s.hasUnread(s.flush())) {
                        s.delete();
                        spool = null;
                        LOG.info("spool sent; records go to memory again");
                    }
                }
            }
        } catch (InterruptedException | InterruptException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            if (!abandoned) {
                stopped(e);
            }
        }
    }

    /**
     * Says that the sender stopped, and sends what comes from now on to the spool: the next run
     * sends it. Records in memory go there too while nothing is spooled yet; otherwise they came
     * before the spool's, would be out of order behind them, and are lost at close.
     */
    private void stopped(Throwable cause) {
        synchronized (spoolLock) {
            senderFailure = cause;
            LOG.error("the outbox sender stopped: nothing more goes to Kafka in this run; records are spooled"
                    + " to {} for the next run", settings.spool(), cause);
            try {
                if (spool == null) {
                    spool = openSpool();
                    for (Entry e = queue.poll(); e != null; e = queue.poll()) {
                        spool.append(e);
                        spooled.incrementAndGet();
                    }
                }
                spool.flush();
            } catch (RuntimeException e) {
                LOG.error("cannot spool the records in memory either: {}", e.toString());
            }
        }
    }

    private boolean hasSpool() {
        synchronized (spoolLock) {
            return spool != null;
        }
    }

    private void send(Entry e) {
        producer.send(new ProducerRecord<>(e.topic(), null, e.timestamp(), e.key(), e.value()), (metadata, error) -> {
            if (error == null) {
                sent.incrementAndGet();
            } else if (failed.getAndIncrement() == 0) {
                LOG.error("cannot publish to {}: {}", e.topic(), error.toString());
            }
        });
    }

    /** Records Kafka acknowledged. */
    public long sent() {
        return sent.get();
    }

    /** Records Kafka refused after the producer's retries. */
    public long failed() {
        return failed.get();
    }

    /** Records that went to the spool file because memory was full (or the sender had stopped). */
    public long spooled() {
        return spooled.get();
    }

    /**
     * Records an earlier run spooled that were torn or corrupt when this outbox opened the spool,
     * and are not sent: cut off, or moved aside to {@code <spool>.corrupt-<time>} (records behind
     * a damaged length count as one: nothing says where they start).
     */
    public long spoolRecordsDropped() {
        return spoolDropped.get();
    }

    /** Why the sender thread stopped, if it did: then nothing more is sent until a restart. */
    public Optional<Throwable> senderFailure() {
        return Optional.ofNullable(senderFailure);
    }

    /** Whether the sender thread still sends (false once it stopped on an error). */
    public boolean healthy() {
        return senderFailure == null;
    }

    /**
     * Sends what is waiting, for up to {@code timeout}. If Kafka has not taken everything by then,
     * the spool file stays for the next run to send first; what was still in memory is lost, and
     * logged.
     */
    public void close(Duration timeout) {
        if (closed.getAndSet(true)) {
            return;
        }
        closing = true;
        try {
            sender.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean alive = sender.isAlive();
        Throwable failure = senderFailure;
        if (alive) {
            abandoned = true;
            sender.interrupt();
            LOG.error("Kafka did not take everything within {}: {} records in memory are lost{}", timeout,
                    queue.size(), hasSpool() ? "; the spool " + settings.spool() + " is kept for the next run" : "");
        } else if (failure != null) {
            LOG.error("the outbox sender had stopped ({}): {} records in memory are lost; the spool {} is kept for"
                    + " the next run", failure.toString(), queue.size(), settings.spool());
        }
        if (alive || failure != null) {
            synchronized (spoolLock) {
                if (spool != null) {
                    spool.close();
                }
            }
        }
        producer.close(timeout);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
