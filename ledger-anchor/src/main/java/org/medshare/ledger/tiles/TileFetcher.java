package org.medshare.ledger.tiles;

import java.io.FileNotFoundException;
import java.io.IOException;

/**
 * Reads one resource of a tiled log by its path relative to the log's prefix ({@code checkpoint}, {@code tile/...}):
 * an HTTP GET, a file read, or {@link LogTiles#fetcher()} in process. Nothing it returns is trusted;
 * {@link TileVerifier} checks every byte.
 */
@FunctionalInterface
public interface TileFetcher {
    /**
     * The resource's bytes.
     *
     * @throws FileNotFoundException if the log does not serve the resource
     * @throws IOException if it could not be read (the caller may retry or ask another mirror)
     */
    byte[] fetch(String path) throws IOException;
}
