package org.medshare.ledger.tiles;

/**
 * The address of one tile of a tiled log (C2SP tlog-tiles, "Merkle Tree" and "Log entries"): a hash tile
 * {@code tile/<L>/<N>[.p/<W>]} or an entry bundle {@code tile/entries/<N>[.p/<W>]}, relative to the log's prefix.
 *
 * <p>A hash tile at level {@code L}, index {@code N} holds the node hashes at tree level {@code 8 * L} with indices
 * {@code 256 * N .. 256 * N + W - 1}; an entry bundle at index {@code N} holds entries {@code 256 * N .. 256 * N + W -
 * 1}. A full tile has width 256 and no {@code .p/<W>} suffix; a partial tile has width 1..255.
 *
 * <p>{@code <N>} is written in groups of three decimal digits, all but the last prefixed with {@code x}
 * ({@code 1234067} is {@code x001/x234/067}). {@link #parse} accepts exactly what {@link #toString} writes: no leading
 * {@code x000} group, no leading zeros in {@code L} or {@code W}, ASCII digits only, {@code L} in 0..63, {@code W} in
 * 1..255, and {@code N} small enough that {@code 256 * N + 255} is a {@code long}. Immutable value type.
 */
public final class TilePath {
    /** The tree levels one tile spans. */
    public static final int HEIGHT = 8;
    /** The hashes of a full tile, and the entries of a full bundle. */
    public static final int WIDTH = 1 << HEIGHT;
    /** The highest level a path may name. */
    public static final int MAX_LEVEL = 63;
    /** The largest index a path may name: {@code 256 * index + 255} still fits in a {@code long}. */
    public static final long MAX_INDEX = Long.MAX_VALUE >>> HEIGHT;
    /** The path of the signed checkpoint note, relative to the prefix (not a tile). */
    public static final String CHECKPOINT = "checkpoint";

    private static final String TILE = "tile/";
    private static final String ENTRIES = "entries/";
    private static final String PARTIAL = ".p/";
    private static final int MAX_GROUPS = 6;

    private final boolean entries;
    private final int level;
    private final long index;
    private final int width;

    private TilePath(boolean entries, int level, long index, int width) {
        if (level < 0 || level > MAX_LEVEL) {
            throw new IllegalArgumentException("tile level must be in 0.." + MAX_LEVEL + ", got " + level);
        }
        if (index < 0 || index > MAX_INDEX) {
            throw new IllegalArgumentException("tile index must be in 0.." + MAX_INDEX + ", got " + index);
        }
        if (width < 1 || width > WIDTH) {
            throw new IllegalArgumentException("tile width must be in 1.." + WIDTH + ", got " + width);
        }
        this.entries = entries;
        this.level = level;
        this.index = index;
        this.width = width;
    }

    /** The hash tile at {@code level}, {@code index}, {@code width} hashes wide (256 = full). */
    public static TilePath hashTile(int level, long index, int width) {
        return new TilePath(false, level, index, width);
    }

    /** The entry bundle at {@code index}, {@code width} entries wide (256 = full). */
    public static TilePath entryBundle(long index, int width) {
        return new TilePath(true, 0, index, width);
    }

    /**
     * The right-most hash tile at {@code level} of a tree of {@code treeSize} entries: the one holding the last
     * {@code floor(treeSize / 256^level) mod 256} complete hashes of tree level {@code 8 * level}, or null when that
     * number is 0 (such a tile is never served).
     */
    static TilePath partialHashTile(int level, long treeSize) {
        long complete = completeNodes(level, treeSize);
        int w = (int) (complete % WIDTH);
        return w == 0 ? null : hashTile(level, complete / WIDTH, w);
    }

    /** The number of complete nodes at tree level {@code 8 * tileLevel} of a tree of {@code treeSize} entries. */
    static long completeNodes(int tileLevel, long treeSize) {
        int shift = HEIGHT * tileLevel;
        return shift >= Long.SIZE ? 0 : treeSize >>> shift;
    }

    /**
     * Parses a tile path relative to the log's prefix.
     *
     * @throws MalformedTilePathException naming the rule the path breaks
     */
    public static TilePath parse(String path) throws MalformedTilePathException {
        if (!path.startsWith(TILE)) {
            throw new MalformedTilePathException(path, "must start with 'tile/'");
        }
        String rest = path.substring(TILE.length());
        boolean bundle = rest.startsWith(ENTRIES);
        int level = 0;
        if (bundle) {
            rest = rest.substring(ENTRIES.length());
        } else {
            int slash = rest.indexOf('/');
            if (slash < 0) {
                throw new MalformedTilePathException(path, "level must be followed by an index");
            }
            level = parseSmall(path, rest.substring(0, slash), "level", 0, MAX_LEVEL);
            rest = rest.substring(slash + 1);
        }
        int width = WIDTH;
        int partial = rest.indexOf(PARTIAL);
        if (partial >= 0) {
            width = parseSmall(path, rest.substring(partial + PARTIAL.length()), "width", 1, WIDTH - 1);
            rest = rest.substring(0, partial);
        }
        return new TilePath(bundle, level, parseIndex(path, rest), width);
    }

    private static int parseSmall(String path, String s, String what, int min, int max)
            throws MalformedTilePathException {
        if (s.isEmpty() || s.length() > 3 || !allDigits(s) || (s.length() > 1 && s.charAt(0) == '0')) {
            throw new MalformedTilePathException(path, what + " must be a decimal without leading zeros");
        }
        int v = Integer.parseInt(s);
        if (v < min || v > max) {
            throw new MalformedTilePathException(path, what + " must be in " + min + ".." + max + ", got " + v);
        }
        return v;
    }

    private static long parseIndex(String path, String s) throws MalformedTilePathException {
        String[] groups = s.split("/", -1);
        if (groups.length > MAX_GROUPS) {
            throw new MalformedTilePathException(path, "index out of range");
        }
        long v = 0;
        for (int i = 0; i < groups.length; i++) {
            String g = groups[i];
            boolean last = i == groups.length - 1;
            if (!last) {
                if (!g.startsWith("x")) {
                    throw new MalformedTilePathException(path, "every index group but the last must start with 'x'");
                }
                g = g.substring(1);
            }
            if (g.length() != 3 || !allDigits(g)) {
                throw new MalformedTilePathException(path, "index groups must be three decimal digits");
            }
            if (i == 0 && !last && g.equals("000")) {
                throw new MalformedTilePathException(path, "index must not start with an x000 group");
            }
            v = v * 1000 + Integer.parseInt(g);
        }
        if (v > MAX_INDEX) {
            throw new MalformedTilePathException(path, "index out of range");
        }
        return v;
    }

    private static boolean allDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** True for an entry bundle, false for a hash tile. */
    public boolean isEntryBundle() {
        return entries;
    }

    /** The tile level (0 for an entry bundle). */
    public int level() {
        return level;
    }

    /** The tile's index within its level. */
    public long index() {
        return index;
    }

    /** The number of hashes or entries: 256 for a full tile, 1..255 for a partial one. */
    public int width() {
        return width;
    }

    public boolean isPartial() {
        return width < WIDTH;
    }

    /** The canonical path, e.g. {@code tile/0/x001/x234/067.p/8} or {@code tile/entries/000}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(TILE);
        if (entries) {
            sb.append(ENTRIES);
        } else {
            sb.append(level).append('/');
        }
        String digits = Long.toString(index);
        int pad = (3 - digits.length() % 3) % 3;
        digits = "0".repeat(pad) + digits;
        for (int i = 0; i < digits.length(); i += 3) {
            if (i + 3 < digits.length()) {
                sb.append('x').append(digits, i, i + 3).append('/');
            } else {
                sb.append(digits, i, i + 3);
            }
        }
        if (isPartial()) {
            sb.append(PARTIAL).append(width);
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TilePath t
                && t.entries == entries
                && t.level == level
                && t.index == index
                && t.width == width;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(index) * 31 + level * 7 + width * 3 + (entries ? 1 : 0);
    }
}
