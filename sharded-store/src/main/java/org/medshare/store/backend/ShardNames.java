package org.medshare.store.backend;

import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.medshare.store.Cid;

/**
 * How backends name what they store: a shard is stored under its CID's string form, file-system
 * backends place it in the directory named by the CID's last two characters (so no directory holds
 * more than about 1/1024 of a node's shards), and a put writes a temporary beside the final name
 * whose name ends in {@link #TEMP_SUFFIX}.
 */
final class ShardNames {
    static final String TEMP_SUFFIX = ".tmp";

    private ShardNames() {}

    /** The directory that holds {@code cid}'s file on a file-system backend. */
    static String directoryOf(Cid cid) {
        String name = cid.toString();
        return name.substring(name.length() - 2);
    }

    /** A fresh, random temporary name beside {@code fileName}; never a shard name. */
    static String temporaryFor(String fileName) {
        return fileName + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + TEMP_SUFFIX;
    }

    /** Whether {@code name} is a temporary left by a put. */
    static boolean isTemporary(String name) {
        return name.endsWith(TEMP_SUFFIX);
    }

    /** The shard stored under {@code name}; empty for temporaries and names that are not a CID. */
    static Optional<Cid> shardOf(String name) {
        if (isTemporary(name)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Cid.parse(name));
        } catch (IllegalArgumentException notAShard) {
            return Optional.empty();
        }
    }
}
