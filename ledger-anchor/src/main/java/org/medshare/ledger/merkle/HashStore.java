package org.medshare.ledger.merkle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * In-memory store of every complete perfect-subtree hash of an append-only RFC 9162 tree: level 0
 * holds the leaf hashes, level l holds node {@code i} as soon as leaves {@code [i*2^l, (i+1)*2^l)}
 * exist. Appending a leaf costs one leaf hash plus on average one node hash; reading any node, root
 * or proof for a size already reached is a few array reads. Hashes are stored contiguously in
 * fixed-size chunks, so growth never copies.
 *
 * <p>Thread-safety: one appender at a time; readers may run concurrently with it.
 */
public final class HashStore implements NodeReader {
    private static final int CHUNK_HASHES = 1 << 14;

    private final TreeHasher hasher;
    private final int hashSize;
    private final List<Level> levels = new ArrayList<>();
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private long size;

    public HashStore(TreeHasher hasher) {
        this.hasher = hasher;
        this.hashSize = hasher.hashSize();
    }

    public TreeHasher hasher() {
        return hasher;
    }

    /** The number of leaves. */
    public long size() {
        lock.readLock().lock();
        try {
            return size;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Hashes {@code data} as a leaf and appends it; returns its leaf hash. */
    public byte[] appendData(byte[] data) {
        byte[] leaf = hasher.hashLeaf(data);
        appendLeafHash(leaf);
        return leaf;
    }

    /** Appends an already computed leaf hash and the interior nodes it completes. */
    public void appendLeafHash(byte[] leafHash) {
        if (leafHash.length != hashSize) {
            throw new IllegalArgumentException("leaf hash must be " + hashSize + " bytes");
        }
        lock.writeLock().lock();
        try {
            long index = size;
            byte[] h = leafHash;
            int level = 0;
            while (true) {
                level(level).add(index, h);
                if ((index & 1) == 0) {
                    break;
                }
                byte[] left = levels.get(level).get(index - 1, hashSize);
                h = hasher.hashChildren(left, h);
                index >>= 1;
                level++;
            }
            size++;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Drops every leaf at index {@code >= newSize} (used only by crash recovery before serving). */
    public void truncate(long newSize) {
        lock.writeLock().lock();
        try {
            if (newSize < 0 || newSize > size) {
                throw new IllegalArgumentException("cannot truncate size " + size + " to " + newSize);
            }
            for (int l = 0; l < levels.size(); l++) {
                levels.get(l).truncate(newSize >> l);
            }
            size = newSize;
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public byte[] node(int level, long index) {
        lock.readLock().lock();
        try {
            if (level >= levels.size() || ((index + 1) << level) > size || index < 0) {
                throw new IllegalArgumentException(
                        "node (" + level + ", " + index + ") is not complete in a tree of size " + size);
            }
            return levels.get(level).get(index, hashSize);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The leaf hash at {@code index}; requires {@code index < size()}. */
    public byte[] leafHash(long index) {
        return node(0, index);
    }

    /** MTH(D[0:treeSize]); requires {@code treeSize <= size()}. */
    public byte[] root(long treeSize) {
        checkSize(treeSize);
        return MerkleProofs.root(hasher, this, treeSize);
    }

    /** PATH(index, D[treeSize]); requires {@code 0 <= index < treeSize <= size()}. */
    public List<byte[]> inclusionProof(long index, long treeSize) {
        checkSize(treeSize);
        return MerkleProofs.resolve(hasher, this, ProofBuilder.inclusion(index, treeSize));
    }

    /** PROOF(size1, D[size2]); requires {@code 0 <= size1 <= size2 <= size()}. */
    public List<byte[]> consistencyProof(long size1, long size2) {
        checkSize(size2);
        return MerkleProofs.resolve(hasher, this, ProofBuilder.consistency(size1, size2));
    }

    private void checkSize(long treeSize) {
        long s = size();
        if (treeSize < 0 || treeSize > s) {
            throw new IllegalArgumentException("tree size " + treeSize + " exceeds the stored size " + s);
        }
    }

    private Level level(int l) {
        while (levels.size() <= l) {
            levels.add(new Level(hashSize));
        }
        return levels.get(l);
    }

    private static final class Level {
        private final int hashSize;
        private final List<byte[]> chunks = new ArrayList<>();

        Level(int hashSize) {
            this.hashSize = hashSize;
        }

        void add(long index, byte[] h) {
            int chunk = (int) (index / CHUNK_HASHES);
            int off = (int) (index % CHUNK_HASHES) * hashSize;
            while (chunks.size() <= chunk) {
                chunks.add(new byte[Math.min(64, CHUNK_HASHES) * hashSize]);
            }
            byte[] c = chunks.get(chunk);
            if (c.length < off + hashSize) {
                c = Arrays.copyOf(c, Math.min(CHUNK_HASHES * hashSize, Math.max(c.length * 2, off + hashSize)));
                chunks.set(chunk, c);
            }
            System.arraycopy(h, 0, c, off, hashSize);
        }

        byte[] get(long index, int hs) {
            byte[] out = new byte[hs];
            System.arraycopy(chunks.get((int) (index / CHUNK_HASHES)), (int) (index % CHUNK_HASHES) * hs, out, 0, hs);
            return out;
        }

        void truncate(long count) {
            int keep = (int) ((count + CHUNK_HASHES - 1) / CHUNK_HASHES);
            while (chunks.size() > keep) {
                chunks.remove(chunks.size() - 1);
            }
        }
    }
}
