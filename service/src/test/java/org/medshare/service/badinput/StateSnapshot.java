package org.medshare.service.badinput;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.medshare.ledger.AuditLog;
import org.medshare.service.payments.service.PaymentService;

/**
 * Everything a refused request must leave unchanged, as one comparable value: per database table its row count
 * and a digest of its sorted rows; per file under the data directory (shard nodes, store catalog, ledger,
 * keys, enclave state) its size and SHA-256; the ledger's size and Merkle root; every insurer's privacy budget
 * (also inside the table digests, listed separately for a readable difference); the incentive contract's state
 * root and the balances of the organisations the corpus uses.
 *
 * @param tables    table name → "rows=N sha256=…"
 * @param files     path relative to the data directory → "size sha256"
 * @param ledger    "size=N root=…"
 * @param budgets   insurer → "spent/limit" in micro-ε
 * @param contract  "stateRoot" and organisation → "escrow/earned"
 */
public record StateSnapshot(
        SortedMap<String, String> tables,
        SortedMap<String, String> files,
        String ledger,
        SortedMap<String, String> budgets,
        SortedMap<String, String> contract) {

    /** How long to wait for the ledger's checkpoint to cover every appended event before taking a snapshot. */
    private static final Duration QUIESCE = Duration.ofSeconds(10);

    static StateSnapshot take(
            DataSource db, Path dataDir, AuditLog log, PaymentService payments, List<String> organisations) {
        long size = log.size();
        if (size > 0) {
            try {
                log.awaitCheckpoint(size - 1, QUIESCE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (TimeoutException e) {
                throw new IllegalStateException("the ledger did not checkpoint entry " + (size - 1), e);
            }
        }
        SortedMap<String, String> contract = new TreeMap<>();
        contract.put("stateRoot", payments.stateRoot());
        for (String organisation : organisations) {
            PaymentService.Balance balance = payments.balance(organisation);
            contract.put(organisation, balance.escrow() + "/" + balance.earned());
        }
        String ledger = "size=" + size + " root=" + HexFormat.of().formatHex(log.root(size));
        return new StateSnapshot(tables(db), files(dataDir), ledger, budgets(db), contract);
    }

    /** The differences from {@code after}, one line each; empty if nothing changed. */
    public List<String> differences(StateSnapshot after) {
        List<String> out = new ArrayList<>();
        diff("table", tables, after.tables, out);
        diff("file", files, after.files, out);
        diff("budget", budgets, after.budgets, out);
        diff("contract", contract, after.contract, out);
        if (!ledger.equals(after.ledger)) {
            out.add("ledger: " + ledger + " -> " + after.ledger);
        }
        return out;
    }

    private static void diff(String what, Map<String, String> before, Map<String, String> after, List<String> out) {
        TreeSet<String> keys = new TreeSet<>(before.keySet());
        keys.addAll(after.keySet());
        for (String key : keys) {
            String b = before.get(key);
            String a = after.get(key);
            if (b == null || !b.equals(a)) {
                out.add(what + " " + key + ": " + b + " -> " + a);
            }
        }
    }

    private static SortedMap<String, String> tables(DataSource db) {
        SortedMap<String, String> out = new TreeMap<>();
        try (Connection c = db.getConnection();
                Statement s = c.createStatement()) {
            List<String> names = new ArrayList<>();
            try (ResultSet r = s.executeQuery("select table_name from information_schema.tables "
                    + "where table_schema = 'PUBLIC' and table_type = 'BASE TABLE'")) {
                while (r.next()) {
                    names.add(r.getString(1));
                }
            }
            if (names.isEmpty()) {
                throw new IllegalStateException("no tables found: the snapshot would compare nothing");
            }
            for (String name : names) {
                List<String> rows = new ArrayList<>();
                try (ResultSet r = s.executeQuery("select * from \"" + name + "\"")) {
                    int columns = r.getMetaData().getColumnCount();
                    while (r.next()) {
                        StringBuilder row = new StringBuilder();
                        for (int i = 1; i <= columns; i++) {
                            row.append(r.getString(i)).append('\u0001');
                        }
                        rows.add(row.toString());
                    }
                }
                rows.sort(null);
                MessageDigest sha = sha256();
                rows.forEach(row -> sha.update((row + "\n").getBytes(StandardCharsets.UTF_8)));
                out.put(
                        name,
                        "rows=" + rows.size() + " sha256=" + HexFormat.of().formatHex(sha.digest()));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the database", e);
        }
        return out;
    }

    private static SortedMap<String, String> budgets(DataSource db) {
        SortedMap<String, String> out = new TreeMap<>();
        try (Connection c = db.getConnection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select insurer_org, spent_micros, limit_micros from privacy_budget")) {
            while (r.next()) {
                out.put(r.getString(1), r.getLong(2) + "/" + r.getLong(3));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the privacy budgets", e);
        }
        return out;
    }

    private static SortedMap<String, String> files(Path dataDir) {
        SortedMap<String, String> out = new TreeMap<>();
        if (!Files.isDirectory(dataDir)) {
            return out;
        }
        try (Stream<Path> walk = Files.walk(dataDir)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                MessageDigest sha = sha256();
                try (InputStream in = Files.newInputStream(file)) {
                    byte[] buffer = new byte[1 << 16];
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        sha.update(buffer, 0, n);
                    }
                }
                out.put(
                        dataDir.relativize(file).toString(),
                        Files.size(file) + " " + HexFormat.of().formatHex(sha.digest()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the data directory", e);
        }
        return out;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
