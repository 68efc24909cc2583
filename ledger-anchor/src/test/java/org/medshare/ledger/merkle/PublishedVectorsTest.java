package org.medshare.ledger.merkle;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Published RFC 6962/9162 proof vectors from transparency-dev/merkle testdata (see
 * src/test/resources/vectors/README.md). Every failing case id is collected before asserting.
 */
class PublishedVectorsTest {
    private static final TreeHasher H = TreeHasher.sha256();

    @Test
    void inclusionVectors() throws Exception {
        List<String> failures = new ArrayList<>();
        List<Path> files = files("inclusion");
        assertTrue(files.size() >= 9, "vectors present");
        for (Path f : files) {
            Map<String, Object> v = MiniJson.parse(Files.readString(f, StandardCharsets.UTF_8));
            boolean wantErr = (Boolean) v.get("wantErr");
            boolean gotErr = false;
            try {
                MerkleProofs.verifyInclusion(
                        H,
                        ((Number) v.get("leafIdx")).longValue(),
                        ((Number) v.get("treeSize")).longValue(),
                        b64((String) v.get("leafHash")),
                        proof(v.get("proof")),
                        b64((String) v.get("root")));
            } catch (InvalidProofException e) {
                gotErr = true;
            }
            if (gotErr != wantErr) {
                failures.add(f.getFileName() + (wantErr ? ": accepted" : ": rejected"));
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void consistencyVectors() throws Exception {
        List<String> failures = new ArrayList<>();
        List<Path> files = files("consistency");
        assertTrue(files.size() >= 9, "vectors present");
        for (Path f : files) {
            Map<String, Object> v = MiniJson.parse(Files.readString(f, StandardCharsets.UTF_8));
            boolean wantErr = (Boolean) v.get("wantErr");
            boolean gotErr = false;
            try {
                MerkleProofs.verifyConsistency(
                        H,
                        ((Number) v.get("size1")).longValue(),
                        ((Number) v.get("size2")).longValue(),
                        b64((String) v.get("root1")),
                        b64((String) v.get("root2")),
                        proof(v.get("proof")));
            } catch (InvalidProofException e) {
                gotErr = true;
            }
            if (gotErr != wantErr) {
                failures.add(f.getFileName() + (wantErr ? ": accepted" : ": rejected"));
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void ourProofsEqualThePublishedHappyPaths() throws Exception {
        HashStore store = new HashStore(H);
        for (byte[] leaf : MerkleTreeTest.RFC_LEAVES) {
            store.appendData(leaf);
        }
        for (String name : List.of("inclusion/1-happy-path.json", "inclusion/4-happy-path.json")) {
            Map<String, Object> v = MiniJson.parse(read(name));
            List<byte[]> ours = store.inclusionProof(
                    ((Number) v.get("leafIdx")).longValue(), ((Number) v.get("treeSize")).longValue());
            assertTrue(ReferenceMerkle.same(proof(v.get("proof")), ours), name);
        }
        for (String name : List.of(
                "consistency/1-happy-path.json", "consistency/3-happy-path.json", "consistency/4-happy-path.json")) {
            Map<String, Object> v = MiniJson.parse(read(name));
            List<byte[]> ours = store.consistencyProof(
                    ((Number) v.get("size1")).longValue(), ((Number) v.get("size2")).longValue());
            assertTrue(ReferenceMerkle.same(proof(v.get("proof")), ours), name);
        }
    }

    private static String read(String name) throws IOException {
        try (InputStream in = PublishedVectorsTest.class.getResourceAsStream("/vectors/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<Path> files(String dir) throws IOException, URISyntaxException {
        Path p = Path.of(
                PublishedVectorsTest.class.getResource("/vectors/" + dir).toURI());
        try (Stream<Path> s = Files.list(p)) {
            return s.sorted().toList();
        }
    }

    private static byte[] b64(String s) {
        return Base64.getDecoder().decode(s);
    }

    @SuppressWarnings("unchecked")
    private static List<byte[]> proof(Object o) {
        List<byte[]> out = new ArrayList<>();
        if (o != null) {
            for (Object s : (List<Object>) o) {
                out.add(b64((String) s));
            }
        }
        return out;
    }
}
