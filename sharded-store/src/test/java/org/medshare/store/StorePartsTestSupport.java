package org.medshare.store;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** Opens {@link StoreParts} in a fresh directory for each test and closes them after it. */
abstract class StorePartsTestSupport {
    @TempDir
    Path tmp;

    StoreParts parts;

    StoreParts open(int nodes, QuotaPolicy quotas) throws IOException {
        parts = new StoreParts(tmp, nodes, quotas);
        return parts;
    }

    /** Opens six nodes without quotas and stores {@code content} there. */
    Manifest openAndPut(byte[] content) throws IOException {
        return open(6, QuotaPolicy.unlimited()).put(content);
    }

    @AfterEach
    void closeParts() {
        if (parts != null) {
            parts.close();
        }
    }
}
