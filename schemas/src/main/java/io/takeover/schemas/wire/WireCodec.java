package io.takeover.schemas.wire;

import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;

/**
 * Avro single-object encoding of one record type: {@code C3 01}, the 8-byte little-endian
 * CRC-64-AVRO fingerprint of the writer schema, then the binary datum. Thread-safe.
 */
public final class WireCodec<T> implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String typeName;
    private final transient BinaryMessageEncoder<T> encoder;
    private final transient BinaryMessageDecoder<T> decoder;

    WireCodec(String typeName, BinaryMessageEncoder<T> encoder, BinaryMessageDecoder<T> decoder) {
        this.typeName = typeName;
        this.encoder = encoder;
        this.decoder = decoder;
    }

    public byte[] encode(T value) {
        try {
            ByteBuffer buffer = encoder.encode(value);
            return Arrays.copyOfRange(buffer.array(), buffer.arrayOffset() + buffer.position(),
                    buffer.arrayOffset() + buffer.limit());
        } catch (IOException e) {
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
