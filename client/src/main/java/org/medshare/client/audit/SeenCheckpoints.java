package org.medshare.client.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.medshare.client.AtomicOutput;
import org.medshare.ledger.checkpoint.MalformedNoteException;
import org.medshare.ledger.checkpoint.SignedCheckpoint;

/**
 * The checkpoints a regulator's watcher has seen, one signed note per tree size in {@code <size>.note} files
 * of a directory it keeps. Every note kept was checked (signature, and consistency with the largest one kept
 * before it) when it was added, so the directory is a chain of pins for {@code audit verify --checkpoint}.
 * Not thread-safe.
 */
final class SeenCheckpoints {
    private static final Pattern NOTE_FILE = Pattern.compile("[0-9]{1,19}\\.note");

    private final Path dir;
    private final TreeMap<Long, SignedCheckpoint> bySize = new TreeMap<>();

    private SeenCheckpoints(Path dir) {
        this.dir = dir;
    }

    /** Opens (creating it if absent) the directory and reads every {@code <size>.note} in it. */
    static SeenCheckpoints open(Path dir, int hashSize) throws IOException {
        Files.createDirectories(dir);
        SeenCheckpoints seen = new SeenCheckpoints(dir);
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                if (!NOTE_FILE.matcher(f.getFileName().toString()).matches()) {
                    continue;
                }
                try {
                    SignedCheckpoint cp = SignedCheckpoint.parse(Files.readString(f, StandardCharsets.UTF_8), hashSize);
                    seen.bySize.put(cp.checkpoint().size(), cp);
                } catch (MalformedNoteException e) {
                    throw new IOException(f + " is not a signed checkpoint: " + e.getMessage(), e);
                }
            }
        }
        return seen;
    }

    /** The origin of the notes kept, or null when none is. */
    String origin() {
        return bySize.isEmpty()
                ? null
                : bySize.firstEntry().getValue().checkpoint().origin();
    }

    /** The note kept for {@code size}, or null. */
    SignedCheckpoint at(long size) {
        return bySize.get(size);
    }

    /** The note of the largest size kept, or null. */
    SignedCheckpoint largest() {
        Map.Entry<Long, SignedCheckpoint> e = bySize.lastEntry();
        return e == null ? null : e.getValue();
    }

    /** The file that holds (or would hold) the note for {@code size}. */
    Path fileFor(long size) {
        return dir.resolve(size + ".note");
    }

    /** Keeps {@code cp} (already checked by the caller) unless a note of its size is kept; atomic. */
    void keep(SignedCheckpoint cp) throws IOException {
        long size = cp.checkpoint().size();
        if (!bySize.containsKey(size)) {
            AtomicOutput.write(fileFor(size), cp.format().getBytes(StandardCharsets.UTF_8), false);
            bySize.put(size, cp);
        }
    }

    /** Saves a note that contradicts the kept ones as evidence, beside them; the path written. */
    Path keepEvidence(SignedCheckpoint cp, String from) throws IOException {
        String safe = from.replaceAll("[^A-Za-z0-9.-]", "_");
        Path f = dir.resolve(cp.checkpoint().size() + ".conflict-" + safe + ".note");
        AtomicOutput.write(f, cp.format().getBytes(StandardCharsets.UTF_8), false);
        return f;
    }
}
