package org.medshare.service.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Searches everything the service process writes for strings that must never be there. */
public final class PlaintextSearch {

    private PlaintextSearch() {}

    /**
     * Fails if any of {@code secrets} occurs in the database (a full SQL dump), or in any file under
     * {@code directories} (shards, catalog, ledger segments, checkpoints, enclave state, logs).
     */
    public static void assertAbsent(List<String> secrets, AgroalDataSource dataSource, Path... directories)
            throws Exception {
        StringBuilder dump = new StringBuilder();
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SCRIPT")) {
            while (rs.next()) {
                dump.append(rs.getString(1)).append('\n');
            }
        }
        assertTrue(dump.indexOf("CREATE") >= 0 && dump.indexOf("INSERT") >= 0, "the dump holds the data");
        List<String> hits = new ArrayList<>();
        for (String secret : secrets) {
            if (dump.indexOf(secret) >= 0) {
                hits.add("database");
            }
        }
        int files = 0;
        for (Path dir : directories) {
            assertTrue(Files.isDirectory(dir), dir + " exists");
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path file : walk.filter(Files::isRegularFile).toList()) {
                    files++;
                    String text = read(file);
                    for (String secret : secrets) {
                        if (text.contains(secret)) {
                            hits.add(file.toString());
                        }
                    }
                }
            }
        }
        assertTrue(files > 10, "searched the store, ledger and logs (" + files + " files)");
        assertEquals(List.of(), hits, "plaintext canaries or tokens found");
    }

    private static String read(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    }
}
