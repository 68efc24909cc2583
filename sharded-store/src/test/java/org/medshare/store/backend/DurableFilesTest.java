package org.medshare.store.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableFilesTest {
    @TempDir
    Path tmp;

    private List<Path> files() throws IOException {
        try (Stream<Path> list = Files.list(tmp)) {
            return list.toList();
        }
    }

    @Test
    void replacesTheWholeFileWithTheGivenRangeAndLeavesNoTemporary() throws IOException {
        Path target = tmp.resolve("entry");
        DurableFiles.replace(target, new byte[] {1, 2, 3, 4, 5}, 1, 3);
        assertArrayEquals(new byte[] {2, 3, 4}, Files.readAllBytes(target));
        DurableFiles.replace(target, new byte[] {9}, 0, 1);
        assertArrayEquals(new byte[] {9}, Files.readAllBytes(target));
        assertEquals(List.of(target), files());
    }

    @Test
    void refusesABadRangeAndAMissingDirectoryWithoutWritingAnything() throws IOException {
        Path target = tmp.resolve("entry");
        assertThrows(IndexOutOfBoundsException.class, () -> DurableFiles.replace(target, new byte[2], 1, 2));
        assertThrows(
                IOException.class,
                () -> DurableFiles.replace(tmp.resolve("gone").resolve("entry"), new byte[1], 0, 1));
        assertEquals(List.of(), files());
        assertFalse(Files.exists(tmp.resolve("gone")));
    }

    @Test
    void aDirectoryThatNoLongerExistsHasNothingToForce() {
        assertDoesNotThrow(() -> DurableFiles.forceDirectory(tmp));
        assertDoesNotThrow(() -> DurableFiles.forceDirectory(tmp.resolve("gone")));
    }
}
