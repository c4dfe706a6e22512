package org.bottleneck.data;

/** A data file was read but its contents are wrong: bad header, size or checksum. */
public class DataFormatException extends DataException {
    public DataFormatException(String message) {
        super(message);
    }

    public DataFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
