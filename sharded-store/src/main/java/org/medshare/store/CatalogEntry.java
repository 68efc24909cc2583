package org.medshare.store;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A committed record in the catalog: its manifest, the reference count each owner holds on it, and
 * the tombstone time once the last reference was dropped.
 *
 * <p>Wire format, version 1: magic {@code "MSCE"}, u8 version, i32 manifest length, manifest bytes
 * ({@link Manifest#toBytes()}), i32 owner count, per owner u16 length + UTF-8 name and i32 count,
 * u8 tombstone flag and, if set, i64 epoch milliseconds. Immutable.
 */
public final class CatalogEntry {
    private static final byte[] MAGIC = {'M', 'S', 'C', 'E'};
    private static final int VERSION = 1;

    private final Manifest manifest;
    private final Map<String, Integer> references;
    private final Instant tombstonedAt;

    CatalogEntry(Manifest manifest, Map<String, Integer> references, Instant tombstonedAt) {
        this.manifest = Objects.requireNonNull(manifest);
        TreeMap<String, Integer> refs = new TreeMap<>();
        references.forEach((owner, count) -> {
            if (count < 0) {
                throw new IllegalArgumentException("negative reference count");
            }
            if (count > 0) {
                refs.put(owner, count);
            }
        });
        this.references = Collections.unmodifiableMap(refs);
        this.tombstonedAt = tombstonedAt;
    }

    public Manifest manifest() {
        return manifest;
    }

    /** Owner → number of references it holds (only positive counts). */
    public Map<String, Integer> references() {
        return references;
    }

    /** When the record was tombstoned (no references left), if it was. */
    public Optional<Instant> tombstonedAt() {
        return Optional.ofNullable(tombstonedAt);
    }

    /** Whether the record is readable: it has references and no tombstone. */
    public boolean isLive() {
        return tombstonedAt == null;
    }

    CatalogEntry withManifest(Manifest m) {
        return new CatalogEntry(m, references, tombstonedAt);
    }

    CatalogEntry withReference(String owner, int delta, Instant now) {
        TreeMap<String, Integer> refs = new TreeMap<>(references);
        refs.merge(owner, delta, Integer::sum);
        if (refs.get(owner) <= 0) {
            refs.remove(owner);
        }
        Instant tomb = refs.isEmpty() ? now : null;
        return new CatalogEntry(manifest, refs, tomb);
    }

    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeByte(VERSION);
            byte[] m = manifest.toBytes();
            out.writeInt(m.length);
            out.write(m);
            out.writeInt(references.size());
            for (Map.Entry<String, Integer> e : references.entrySet()) {
                byte[] owner = e.getKey().getBytes(StandardCharsets.UTF_8);
                out.writeShort(owner.length);
                out.write(owner);
                out.writeInt(e.getValue());
            }
            out.writeBoolean(tombstonedAt != null);
            if (tombstonedAt != null) {
                out.writeLong(tombstonedAt.toEpochMilli());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** @throws IllegalArgumentException if malformed or of an unknown version */
    public static CatalogEntry parse(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (!Arrays.equals(in.readNBytes(4), MAGIC)) {
                throw new IllegalArgumentException("not a catalog entry (bad magic)");
            }
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("unsupported catalog entry version " + version);
            }
            int mlen = in.readInt();
            if (mlen < 0 || mlen > bytes.length) {
                throw new IllegalArgumentException("bad manifest length");
            }
            Manifest manifest = Manifest.parse(in.readNBytes(mlen));
            int owners = in.readInt();
            if (owners < 0 || owners > bytes.length) {
                throw new IllegalArgumentException("bad owner count");
            }
            TreeMap<String, Integer> refs = new TreeMap<>();
            for (int i = 0; i < owners; i++) {
                int len = in.readUnsignedShort();
                String owner = new String(in.readNBytes(len), StandardCharsets.UTF_8);
                refs.put(owner, in.readInt());
            }
            Instant tomb = in.readBoolean() ? Instant.ofEpochMilli(in.readLong()) : null;
            if (in.read() != -1) {
                throw new IllegalArgumentException("trailing bytes after catalog entry");
            }
            return new CatalogEntry(manifest, refs, tomb);
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated catalog entry", e);
        }
    }
}
