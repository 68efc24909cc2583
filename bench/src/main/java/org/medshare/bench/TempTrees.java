package org.medshare.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The benchmarks' scratch directories. */
public final class TempTrees {

    private TempTrees() {}

    /**
     * Deletes {@code root} and everything below it, deepest first; a path already gone is skipped.
     *
     * @throws IOException if a file or directory could not be deleted
     */
    public static void delete(Path root) throws IOException {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(root)) {
            paths = walk.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : paths) {
            Files.deleteIfExists(p);
        }
    }
}
