package io.takeover.schemas.wire;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
 * CRC-64-AVRO fingerprint of the writer schema, then the binary datum. Thread-safe.
 */
public final class WireCodec<T> implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String typeName;
    private final transient byte[] header;
    private final transient ThreadLocal<Writer<T>> writers;
    private final transient BinaryMessageDecoder<T> decoder;

    WireCodec(String typeName, Class<T> type, BinaryMessageDecoder<T> decoder) {
        this.typeName = typeName;
        SpecificData model = SpecificData.getForClass(type); // with the class's logical-type conversions
        Schema schema = model.getSchema(type);
        this.header = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN).put((byte) 0xC3).put((byte) 0x01)
                .putLong(SchemaNormalization.parsingFingerprint64(schema)).array();
        this.writers = ThreadLocal.withInitial(() -> new Writer<>(new SpecificDatumWriter<>(schema, model)));
        this.decoder = decoder;
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
            throw new WireFormatException(WireFormatException.Reason.UNKNOWN_SCHEMA,
                    "unknown schema fingerprint for " + typeName + " (" + e.getMessage()
                            + "); encode with a schema from schemas/ or register the older version", e);
        } catch (BadHeaderException e) {
            throw new WireFormatException(WireFormatException.Reason.NOT_SINGLE_OBJECT,
                    "not Avro single-object encoding (" + e.getMessage() + "); values must start with C3 01", e);
        } catch (IOException | RuntimeException e) {
            throw new WireFormatException(WireFormatException.Reason.UNDECODABLE,
                    "corrupt " + typeName + " datum (" + bytes.length + " bytes): " + e, e);
        }
    }

    /** Shipped to a Flink task by name: it resolves to the same codec there. */
    private Object readResolve() {
        return Codecs.byTypeName(typeName);
    }

    public String typeName() {
        return typeName;
    }
}
