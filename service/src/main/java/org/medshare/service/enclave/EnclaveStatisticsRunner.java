package org.medshare.service.enclave;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.logging.Logger;
import org.medshare.enclave.attest.VerifiedEnclave;
import org.medshare.enclave.compute.ApprovedQuery;
import org.medshare.enclave.compute.ComputeResult;
import org.medshare.enclave.compute.InputRecord;
import org.medshare.enclave.compute.RecordedAttestation;
import org.medshare.enclave.compute.StatisticsClient;
import org.medshare.enclave.host.EmbeddedEnclaves;
import org.medshare.enclave.host.EnclaveCallException;
import org.medshare.enclave.keyrelease.KeyRelease;
import org.medshare.enclave.keyrelease.KeyReleaseRecord;
import org.medshare.enclave.keyrelease.QueryApproval;
import org.medshare.enclave.stats.CandidateRecord;
import org.medshare.enclave.stats.MerkleTree;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.service.digest.Sha256;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.queries.service.StatisticsRunner;

/**
 * Runs an approved query in the worker enclave: relays the regulator's signed approval, with the proof that the
 * query's QUERY_APPROVED event is under a final ledger checkpoint, to the key authority, which checks both and
 * releases the purpose key to the attested worker (then recorded as a KEY_ISSUED ledger event), attests the worker
 * itself, relays the ciphertext with the approved query (which carries the hospitals' own disclosure limits), and
 * verifies the enclave's signature on the result against the key its quote binds. Only then is the result accepted. The quote, the nonce it answered, the signing key and the
 * signed result are kept with the result, so that readers can check it later without trusting the service.
 */
@ApplicationScoped
public class EnclaveStatisticsRunner implements StatisticsRunner {

    private static final Logger LOG = Logger.getLogger(EnclaveStatisticsRunner.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH_RECORDS = 512;
    private static final int BATCH_BYTES = 4 << 20;

    private final EnclaveGateway gateway;
    private final LedgerService ledger;
    private final Clock clock = Clock.systemUTC();

    @Inject
    EnclaveStatisticsRunner(EnclaveGateway gateway, LedgerService ledger) {
        this.gateway = gateway;
        this.ledger = ledger;
    }

    @Override
    public Outcome run(Job job, List<Input> inputs, RowsSource rows) throws RefusedException {
        EmbeddedEnclaves enclaves = gateway.enclaves();
        Set<Integer> permitted = job.permittedHospitals();
        ApprovedQuery approved = new ApprovedQuery(
                job.templateJson(),
                job.requestJson(),
                permitted,
                job.revokedRecords(),
                job.consentDeniedRecords(),
                HexFormat.of().parseHex(job.consentDigest()),
                job.epsilonBudgetMicros(),
                job.disclosure());
        try {
            QueryApproval approval = QueryApproval.parse(job.approval());
            KeyRelease release = enclaves.keyAuthority()
                    .releaseTo(enclaves.worker(), approval, gateway.proofOf(job.approvalLogged()));
            appendKeyIssued(release.record());

            StatisticsClient stats = new StatisticsClient(enclaves.worker());
            RecordedAttestation recorded = stats.attestRecorded(enclaves.workerVerifier(Duration.ofMinutes(1)));
            VerifiedEnclave attested = recorded.verified();
            ComputeResult result = compute(stats, approved, approval, inputs, rows);
            StatisticsClient.verify(result, attested);

            keepWorkerState(enclaves);
            String resultJson = result.resultJsonString();
            List<String> used = inputs.stream()
                    .filter(i -> permitted.contains(i.hospitalNumber())
                            && !job.revokedRecords().contains(i.recordId())
                            && !job.consentDeniedRecords().contains(i.recordId()))
                    .map(Input::recordId)
                    .sorted()
                    .distinct()
                    .toList();
            String root = HexFormat.of().formatHex(MerkleTree.rootOf(used));
            JsonNode claimed = JSON.readTree(resultJson);
            if (!root.equalsIgnoreCase(claimed.path("inputMerkleRoot").asText())) {
                throw new RefusedException("the enclave's input set does not match the admitted records");
            }
            if (!job.consentDigest()
                    .equalsIgnoreCase(claimed.path("consentDigest").asText())) {
                throw new RefusedException("the enclave's result names another consent decision");
            }
            return new Outcome(
                    resultJson,
                    HexFormat.of().formatHex(result.resultHash()),
                    Base64.getEncoder().encodeToString(result.resultSignature()),
                    HexFormat.of().formatHex(result.measurement()),
                    used,
                    root,
                    "SIMULATED",
                    attestation(recorded, attested, result));
        } catch (EnclaveCallException e) {
            throw new RefusedException(e.getMessage());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("the enclave run failed", e);
        }
    }

    /**
     * Starts the run in the worker with the inputs' ids and hospitals, reads the rows of the records it admits from
     * the store in the order it asks for them, and hands them over in batches of at most {@value #BATCH_RECORDS}
     * records or about {@value #BATCH_BYTES} bytes. The next batch is read while the worker aggregates the current
     * one, so the host holds at most two batches of ciphertext at a time.
     */
    private static ComputeResult compute(
            StatisticsClient stats, ApprovedQuery approved, QueryApproval approval, List<Input> inputs, RowsSource rows)
            throws IOException, EnclaveCallException, RefusedException {
        Map<String, Integer> hospitals = new HashMap<>();
        List<CandidateRecord> candidates = new ArrayList<>(inputs.size());
        for (Input input : inputs) {
            hospitals.put(input.recordId(), input.hospitalNumber());
            candidates.add(new CandidateRecord(input.recordId(), input.hospitalNumber()));
        }
        StatisticsClient.Run run = stats.start(approved, approval, candidates, Set.of());
        List<String> admitted = run.admitted();
        if (!hospitals.keySet().containsAll(admitted)) {
            throw new RefusedException("the enclave asked for a record the host did not present");
        }
        ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "enclave-rows-reader");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<Batch> reading = reader.submit(() -> Batch.read(admitted, 0, hospitals, rows));
            for (Batch batch = await(reading); !batch.records().isEmpty(); batch = await(reading)) {
                int from = batch.end();
                reading = reader.submit(() -> Batch.read(admitted, from, hospitals, rows));
                run.add(batch.records());
            }
            return run.finish();
        } finally {
            reader.shutdownNow();
        }
    }

    /** The records of one batch, and the position in the admitted ids after them. */
    private record Batch(List<InputRecord> records, int end) {

        /** The batch that starts at position {@code from} of {@code admitted} (empty at its end). */
        static Batch read(List<String> admitted, int from, Map<String, Integer> hospitals, RowsSource rows) {
            List<InputRecord> records = new ArrayList<>();
            long bytes = 0;
            int next = from;
            while (next < admitted.size() && records.size() < BATCH_RECORDS && bytes < BATCH_BYTES) {
                String recordId = admitted.get(next++);
                byte[] encrypted = rows.encryptedRows(recordId);
                records.add(new InputRecord(recordId, hospitals.get(recordId), encrypted));
                bytes += encrypted.length;
            }
            return new Batch(records, next);
        }
    }

    /**
     * The batch {@code reading} reads.
     *
     * @throws RefusedException when the store cannot give a record's rows: the query fails (and its charges are
     *     refunded) rather than run over fewer records than it was approved for
     */
    private static Batch await(Future<Batch> reading) throws RefusedException {
        try {
            return reading.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the records' rows", e);
        } catch (ExecutionException e) {
            LOG.warnf(
                    "a record's rows could not be read from the store (%s)",
                    e.getCause().getClass().getSimpleName());
            throw new RefusedException("a record's rows could not be read from the store");
        }
    }

    /**
     * Has the worker seal its privacy memory (differencing guard, ε it counted, approvals run) to the data
     * directory, so that a restart does not reset it. A failure here costs only that: the result stands.
     */
    private static void keepWorkerState(EmbeddedEnclaves enclaves) {
        try {
            enclaves.saveWorkerState();
        } catch (IOException | EnclaveCallException e) {
            LOG.warn("the worker's sealed privacy state could not be saved; a restart would reset it");
        }
    }

    private static StatisticsRunner.Attestation attestation(
            RecordedAttestation recorded, VerifiedEnclave attested, ComputeResult result)
            throws GeneralSecurityException {
        Base64.Encoder b64 = Base64.getEncoder();
        return new StatisticsRunner.Attestation(
                b64.encodeToString(recorded.evidence().toBytes()),
                b64.encodeToString(recorded.nonce()),
                b64.encodeToString(StatisticsClient.signingKeyOf(attested).getEncoded()),
                b64.encodeToString(result.toBytes()));
    }

    private void appendKeyIssued(KeyReleaseRecord record) {
        HexFormat hex = HexFormat.of();
        byte[] attributes = Sha256.of(String.join("\n", new TreeSet<>(record.attributes())));
        ledger.append(Event.builder(EventType.KEY_ISSUED)
                .timestamp(clock.millis())
                .id(Field.ACTOR, "key-authority")
                .id(Field.KEY_ID, hex.formatHex(record.hash()))
                .id(Field.RECIPIENT, "enclave:" + hex.formatHex(record.requesterMrenclave()))
                .hash(Field.ATTRIBUTES_HASH, attributes)
                .build());
    }
}
