package io.takeover.schemas.wire;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Avro single-object encoding of one record type: {@code C3 01}, the 8-byte little-endian
 * CRC-64-AVRO fingerprint of the writer schema, then the binary datum. Writes with the current
 * schema; reads records written with it or with any released version of it, resolved to the
 * current class (fields added since then take their defaults). Thread-safe.
 */
public final class WireCodec<T> implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String typeName;
    private final transient byte[] header;
    private final transient ThreadLocal<Writer<T>> writers;
    private final transient BinaryMessageDecoder<T> decoder;
    /** The writer schemas the decoder knows, for the message on an unknown one. */
    private final transient String known;
    private final transient Set<Long> fingerprints = new HashSet<>();

    /** @param released the record's schema in each released version, oldest first */
    WireCodec(String typeName, Class<T> type, Map<String, Schema> released) {
        this.typeName = typeName;
        SpecificData model = SpecificData.getForClass(type); // with the class's logical-type conversions
        Schema schema = model.getSchema(type);
        long current = SchemaNormalization.parsingFingerprint64(schema);
        this.header = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN).put((byte) 0xC3).put((byte) 0x01)
                .putLong(current).array();
        this.writers = ThreadLocal.withInitial(() -> new Writer<>(new SpecificDatumWriter<>(schema, model)));
        this.decoder = new BinaryMessageDecoder<>(model, schema);
        fingerprints.add(current);
        List<String> versions = new ArrayList<>();
        for (Map.Entry<String, Schema> release : released.entrySet()) {
            long fingerprint = SchemaNormalization.parsingFingerprint64(release.getValue());
            if (fingerprints.add(fingerprint)) {
                decoder.addSchema(release.getValue()); // read through a resolving decoder into the current class
            }
            versions.add(fingerprint == current ? release.getKey() + " (= current)" : release.getKey());
        }
        versions.add("current");
        this.known = String.join(", ", versions);
    }

    /**
     * Per thread: a buffered encoder, which writes the datum to the stream once, where Avro's own
     * message encoder writes it number by number.
     */
    private static final class Writer<T> {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        final SpecificDatumWriter<T> datum;
        BinaryEncoder encoder;

        Writer(SpecificDatumWriter<T> datum) {
            this.datum = datum;
        }
    }

    public byte[] encode(T value) {
        Writer<T> w = writers.get();
        try {
            w.out.reset();
            w.out.write(header);
            w.encoder = EncoderFactory.get().binaryEncoder(w.out, w.encoder);
            w.datum.write(value, w.encoder);
            w.encoder.flush();
            return w.out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot encode " + typeName + ": " + e.getMessage(), e);
        }
    }

    /** @throws WireFormatException with the reason, never anything else, for bad bytes. */
    public T decode(byte[] bytes) {
        if (bytes == null) {
            throw new WireFormatException(WireFormatException.Reason.UNDECODABLE,
                    "null value where a " + typeName + " was expected", null);
        }
        try {
            return decoder.decode(bytes);
        } catch (MissingSchemaException e) {
            throw new WireFormatException(WireFormatException.Reason.UNKNOWN_SCHEMA, unknownSchema(bytes), e);
        } catch (BadHeaderException e) {
            throw new WireFormatException(WireFormatException.Reason.NOT_SINGLE_OBJECT,
                    "not Avro single-object encoding (" + e.getMessage() + "); values must start with C3 01", e);
        } catch (IOException | RuntimeException e) {
            throw new WireFormatException(WireFormatException.Reason.UNDECODABLE,
                    "corrupt " + typeName + " datum (" + bytes.length + " bytes): " + e, e);
        }
    }

    private String unknownSchema(byte[] bytes) {
        String fingerprint = HexFormat.of().formatHex(bytes, 2, 10);
        long value = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String other = Codecs.typeNameOf(value).filter(name -> !name.equals(typeName))
                .map(name -> " It is the fingerprint of " + article(name) + ", not of " + article(typeName)
                        + ": check the topic.").orElse("");
        return "unknown writer schema for " + typeName + " (fingerprint bytes " + fingerprint
                + "); this reader knows " + typeName + " of versions " + known + "." + other
                + " Write with the current schemas/src/main/avro/" + typeName + ".avsc or a released one"
                + " (io/takeover/schemas/released/ in the schemas jar), or upgrade this reader if the writer"
                + " uses a newer contract.";
    }

    private static String article(String name) {
        return ("AEIOU".indexOf(name.charAt(0)) >= 0 ? "an " : "a ") + name;
    }

    /** True if {@code fingerprint} is of the current schema or of a released version. */
    boolean knows(long fingerprint) {
        return fingerprints.contains(fingerprint);
    }

    /** Shipped to a Flink task by name: it resolves to the same codec there. */
    private Object readResolve() {
        return Codecs.byTypeName(typeName);
    }

    public String typeName() {
        return typeName;
    }
}
