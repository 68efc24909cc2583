package org.medshare.bench.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.medshare.abe.AbeScheme;
import org.medshare.abe.Envelope;
import org.medshare.abe.Policy;
import org.medshare.abe.PublicParameters;
import org.medshare.abe.Suite;
import org.medshare.abe.sign.SigningKeys;
import org.medshare.abe.sign.UploadStatement;
import org.medshare.client.upload.HospitalKeys;
import org.medshare.client.upload.PreparedUpload;
import org.medshare.client.upload.UploadPreparer;
import org.medshare.enclave.rows.AnalyticsRow;
import org.medshare.enclave.rows.EncryptedRows;
import org.medshare.enclave.rows.PseudonymKey;
import org.medshare.enclave.rows.RowExtractionException;
import org.medshare.enclave.rows.RowExtractor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Client-side cost of one upload of a 1-10 KB FHIR bundle (issue 8 target: end-to-end upload of at least
 * 200 records/s, client encryption measured separately from server ingest): {@link UploadPreparer#prepare}
 * = row extraction + one FAME encapsulation shared by the bundle's envelope and the sealed rows + Ed25519
 * signature. In the same run, as baselines: the former preparation with two encapsulations per record, one
 * {@link Envelope#encrypt} (one FAME encapsulation + AES-GCM) and row extraction alone (HAPI parse + mapping).
 * Run with {@code -t 2} for the two-core rate (records/s = threads / mean time).
 *
 * <p>Bundles: the synthetic sample bundles cut into one-encounter bundles (Patient, one Encounter, the
 * Claims, EOBs and Conditions that refer to it), compact JSON, keeping those of at most 10 KiB whose rows
 * the extractor maps (it refuses claims dated before 2000-01, which a few Synthea histories have). Policy:
 * the sample's cardiology-with-statistics policy (4 attributes).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
public class UploadPrepareBench {
    static final String POLICY =
            "(org:hospital-a@2026Q4 AND dept:cardiology@2026Q4 AND role:physician) OR purpose:insurance-stats@2026Q4";

    List<byte[]> bundles;
    UploadPreparer preparer;
    PublicParameters params;
    Policy policy;
    PseudonymKey pseudonym;
    PrivateKey signingKey;
    final SecureRandom random = new SecureRandom();
    int next;
    public double meanBundleBytes;

    @Setup
    public void setUp() throws Exception {
        Path samples = Path.of(System.getProperty("medshare.samples", "sample-data/fhir"));
        pseudonym = PseudonymKey.of(new byte[32]);
        bundles = new ArrayList<>();
        int unmappable = 0;
        for (byte[] b : smallBundles(samples, 10 * 1024)) {
            try {
                if (!RowExtractor.shared()
                        .extract(new String(b, StandardCharsets.UTF_8), 1, pseudonym)
                        .isEmpty()) {
                    bundles.add(b);
                }
            } catch (RowExtractionException e) {
                unmappable++;
            }
        }
        if (bundles.size() < 20) {
            throw new IllegalStateException(
                    "too few small bundles from " + samples.toAbsolutePath() + ": " + bundles.size());
        }
        meanBundleBytes = bundles.stream().mapToInt(b -> b.length).average().orElse(0);
        System.out.printf(
                "%n%d bundles of 1-10 KiB, mean %.0f bytes (%d cuts skipped: rows not mappable)%n",
                bundles.size(), meanBundleBytes, unmappable);
        params = AbeScheme.create().setup(Suite.NIST).publicParameters();
        policy = Policy.parse(POLICY);
        KeyPair signing = SigningKeys.generate(Suite.NIST);
        signingKey = signing.getPrivate();
        preparer = new UploadPreparer(
                HospitalKeys.of("hospital-a", signing.getPrivate(), "bench", 1, pseudonym),
                params,
                Suite.NIST,
                POLICY,
                policy,
                new TreeMap<>());
    }

    byte[] nextBundle() {
        byte[] b = bundles.get(next);
        next = (next + 1) % bundles.size();
        return b;
    }

    @Benchmark
    public PreparedUpload prepare() throws Exception {
        return preparer.prepare(nextBundle());
    }

    /**
     * The preparation before issue 8's change, as a same-run baseline: rows extracted, the bundle's envelope
     * and the rows each with their own FAME encapsulation, statement signed.
     */
    @Benchmark
    public Object[] baselineTwoEncapsulations() throws Exception {
        byte[] bundle = nextBundle();
        List<AnalyticsRow> rows =
                RowExtractor.shared().extract(new String(bundle, StandardCharsets.UTF_8), 1, pseudonym);
        String key = UploadPreparer.idempotencyKey(POLICY, bundle);
        byte[] envelope = Envelope.encrypt(params, policy, Suite.NIST, bundle);
        byte[] sealed = EncryptedRows.seal(
                        UploadStatement.recordId("hospital-a", key), rows, params, policy, Suite.NIST, random)
                .toBytes();
        byte[] signature = new UploadStatement(
                        "hospital-a",
                        key,
                        POLICY,
                        UploadStatement.sha256(envelope),
                        UploadStatement.sha256(sealed),
                        new TreeMap<>())
                .sign(signingKey, Suite.NIST);
        return new Object[] {envelope, sealed, signature};
    }

    @Benchmark
    public byte[] baselineEnvelopeOnly() {
        return Envelope.encrypt(params, policy, Suite.NIST, nextBundle());
    }

    @Benchmark
    public List<AnalyticsRow> baselineRowExtractionOnly() throws Exception {
        return RowExtractor.shared().extract(new String(nextBundle(), StandardCharsets.UTF_8), 1, pseudonym);
    }

    /** One-encounter cuts of every sample bundle, compact JSON, at most {@code maxBytes}. */
    public static List<byte[]> smallBundles(Path dir, int maxBytes) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<byte[]> out = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        for (Path f : files) {
            JsonNode bundle = json.readTree(f.toFile());
            List<JsonNode> entries = new ArrayList<>();
            bundle.path("entry").forEach(entries::add);
            JsonNode patient = entries.stream()
                    .filter(e -> type(e).equals("Patient"))
                    .findFirst()
                    .orElse(null);
            if (patient == null) {
                continue;
            }
            for (JsonNode encounter : entries.stream()
                    .filter(e -> type(e).equals("Encounter"))
                    .limit(3)
                    .toList()) {
                String url = encounter.path("fullUrl").asText();
                List<JsonNode> keep = new ArrayList<>(List.of(patient, encounter));
                List<String> claims = new ArrayList<>();
                for (JsonNode e : entries) {
                    String t = type(e);
                    if ((t.equals("Claim") || t.equals("ExplanationOfBenefit") || t.equals("Condition"))
                            && e.path("resource").toString().contains(url)) {
                        keep.add(e);
                        if (t.equals("Claim")) {
                            claims.add(e.path("fullUrl").asText());
                        }
                    }
                }
                for (JsonNode e : entries) {
                    if (type(e).equals("ExplanationOfBenefit")
                            && !keep.contains(e)
                            && claims.stream()
                                    .anyMatch(c -> e.path("resource").toString().contains(c))) {
                        keep.add(e);
                    }
                }
                ObjectNode cut = bundle.deepCopy();
                ArrayNode arr = cut.putArray("entry");
                keep.forEach(arr::add);
                byte[] bytes = json.writeValueAsBytes(cut);
                if (bytes.length <= maxBytes) {
                    out.add(bytes);
                }
            }
        }
        return out;
    }

    private static String type(JsonNode entry) {
        return entry.path("resource").path("resourceType").asText();
    }
}
