package org.medshare.client.upload;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.medshare.client.http.Multipart;
import org.medshare.client.login.ConfigDir;

/**
 * One encrypted, signed upload ready to send: the metadata JSON, the envelope and the encrypted rows.
 * Kept in the spool until the service has answered, so that a retry after an interruption sends exactly the
 * same bytes (encryption is randomised, and the service replays only an identical statement).
 *
 * <p>Arrays are not copied: treat them as read-only.
 *
 * <p>Spool format: {@code "MSUP" | u8 1 | u32 n | metadata (UTF-8) | u32 n | envelope | u32 n | rows}.
 */
public record PreparedUpload(String metadataJson, byte[] envelope, byte[] rows) {
    private static final byte[] MAGIC = {'M', 'S', 'U', 'P'};

    /** The {@code POST /api/v1/records} body: parts {@code metadata}, {@code envelope}, {@code rows}. */
    public Multipart multipart() {
        return Multipart.builder()
                .text("metadata", metadataJson)
                .binary("envelope", "envelope.bin", envelope)
                .binary("rows", "rows.bin", rows)
                .build();
    }

    /** Writes this upload to {@code file} atomically (mode 600). */
    void write(Path file) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(envelope.length + rows.length + 4096);
        DataOutputStream out = new DataOutputStream(buf);
        out.write(MAGIC);
        out.writeByte(1);
        byte[] meta = metadataJson.getBytes(StandardCharsets.UTF_8);
        for (byte[] part : new byte[][] {meta, envelope, rows}) {
            out.writeInt(part.length);
            out.write(part);
        }
        out.flush();
        ConfigDir.writeSecret(file, buf.toByteArray());
    }

    /** Reads a spooled upload; null when the file is damaged (it is then deleted). */
    static PreparedUpload read(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(all))) {
            byte[] magic = in.readNBytes(4);
            if (!Arrays.equals(magic, MAGIC) || in.readUnsignedByte() != 1) {
                throw new IOException("not a spooled upload");
            }
            byte[][] parts = new byte[3][];
            for (int i = 0; i < 3; i++) {
                int n = in.readInt();
                if (n < 0 || n > in.available()) {
                    throw new IOException("truncated");
                }
                parts[i] = in.readNBytes(n);
            }
            if (in.available() != 0) {
                throw new IOException("trailing bytes");
            }
            return new PreparedUpload(new String(parts[0], StandardCharsets.UTF_8), parts[1], parts[2]);
        } catch (IOException e) {
            Files.deleteIfExists(file);
            return null;
        }
    }
}
