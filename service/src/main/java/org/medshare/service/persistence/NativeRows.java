package org.medshare.service.persistence;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Reading the columns of native query results, whose Java types differ between H2 and PostgreSQL drivers. */
public final class NativeRows {

    private NativeRows() {}

    /**
     * The instant of a {@code timestamp} column as the driver returns it ({@link Timestamp}, {@link Instant},
     * {@link OffsetDateTime}, or a {@link LocalDateTime} taken as UTC, the zone the service writes in).
     *
     * @throws IllegalStateException for any other type
     */
    public static Instant instant(Object column) {
        if (column instanceof Timestamp t) {
            return t.toInstant();
        }
        if (column instanceof Instant i) {
            return i;
        }
        if (column instanceof LocalDateTime l) {
            return l.toInstant(ZoneOffset.UTC);
        }
        if (column instanceof OffsetDateTime o) {
            return o.toInstant();
        }
        throw new IllegalStateException(
                "unexpected timestamp type " + column.getClass().getName());
    }
}
