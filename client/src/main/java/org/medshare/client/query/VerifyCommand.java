package org.medshare.client.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.medshare.client.CliFailure;
import org.medshare.client.audit.MemberKeys;
import org.medshare.client.http.Json;
import org.medshare.client.http.ServiceException;
import org.medshare.client.login.ServiceCommand;
import org.medshare.client.login.SessionOptions;
import org.medshare.enclave.MalformedEncodingException;
import org.medshare.enclave.host.AuthorityTrust;
import org.medshare.enclave.keyrelease.PartyKeyList;
import org.medshare.ledger.checkpoint.NoteVerifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code medshare query verify ID --keys FILE... [--file RESULT.json] [--worker-trust FILE] [--quorum N]}: checks
 * that a query's result came from the attested statistics worker and is on the ledger ({@link ResultCheck}: quote,
 * measurement, signature, result hash, COMPUTE event under a signed checkpoint). With {@code --file} it works
 * offline on a result saved by {@code medshare query result --out}; without, it fetches {@code GET
 * /api/v1/queries/{id}} and, where the caller may read it (regulators), the COMPUTE event's inclusion proof from
 * {@code GET /api/v1/audit/proofs/inclusion}, else uses the receipt the query carries. Pinned by the reader: the
 * worker trust file (SimRoot and the worker's MRENCLAVE, the operator's {@code data/enclave/worker.trust}, by
 * default {@code worker.trust} in the configuration directory) and the ledger members' checkpoint keys. Exit 0
 * with one line {@code OK ...}; 1 naming the failed check; 2 on a usage error.
 */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = "Verify a query result: worker quote, approved measurement, enclave signature, result hash and"
                + " the COMPUTE event's inclusion under a signed checkpoint (offline with --file).")
final class VerifyCommand extends ServiceCommand {
    /** Default worker trust file name in the configuration directory. */
    static final String WORKER_TRUST = "worker.trust";

    private static final long MAX_RESULT_FILE = 16L << 20;

    @Parameters(index = "0", paramLabel = "QUERY")
    String id;

    @Option(
            names = "--file",
            paramLabel = "RESULT.json",
            description = "a result saved by 'medshare query result --out' (offline: the service is not asked)")
    Path file;

    @Option(
            names = "--worker-trust",
            paramLabel = "FILE",
            description = "the statistics worker's trust file (default: worker.trust in the configuration directory)")
    Path workerTrust;

    @Option(
            names = "--keys",
            required = true,
            arity = "1..*",
            paramLabel = "FILE",
            description = "checkpoint verifier keys of the ledger members (one <name>+<keyid hex>+<base64> per line)")
    List<Path> keys;

    @Option(
            names = "--party-keys",
            paramLabel = "FILE",
            description = "the consortium's party keys file: also check that a pinned regulator key approved the query")
    Path partyKeys;

    @Option(
            names = "--quorum",
            paramLabel = "N",
            description = "distinct member signatures the checkpoint needs (default: a majority of the keys)")
    Integer quorum;

    @Override
    public Integer call() {
        String queryId = Calls.id("query id", id);
        List<NoteVerifier> trusted = MemberKeys.read(keys);
        int q = quorum == null ? trusted.size() / 2 + 1 : quorum;
        if (q < 1 || q > trusted.size()) {
            throw CliFailure.usage("--quorum must be between 1 and the number of keys (" + trusted.size() + ")");
        }
        if (file != null && !Files.isRegularFile(file)) {
            throw CliFailure.usage("file not found: " + file);
        }
        PartyKeyList parties = partyKeys == null ? null : readPartyKeys(partyKeys);
        AuthorityTrust trust = readTrust();
        JsonNode view;
        JsonNode receipt = null;
        if (file != null) {
            view = readResult(file);
        } else {
            view = ask(c -> c.getJson("/api/v1/queries/" + queryId));
            receipt = inclusionFromAuditApi(view);
        }
        try {
            ResultCheck.Verified ok = ResultCheck.verify(view, queryId, trust, trusted, q, receipt, parties);
            out().println("OK query " + ok.queryId() + ": quote of the pinned worker " + ok.measurement()
                    + ", enclave signature, result hash " + ok.resultHash() + ", COMPUTE event " + ok.eventIndex()
                    + " in checkpoint of size " + ok.checkpointSize()
                    + (ok.approvedBy() == null ? "" : ", approved by " + ok.approvedBy() + "'s pinned approval key"));
            return 0;
        } catch (ResultCheck.Failed e) {
            throw CliFailure.verification("query " + queryId + " does not verify: " + e.getMessage());
        }
    }

    private static PartyKeyList readPartyKeys(Path file) {
        try {
            return PartyKeyList.parse(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw CliFailure.usage("cannot read --party-keys " + file);
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage("--party-keys " + file + ", " + e.getMessage());
        }
    }

    /**
     * The COMPUTE event's inclusion proof from the audit API, or null when the view names no event or the caller
     * may not read audit proofs (then the receipt in the view is used).
     */
    private JsonNode inclusionFromAuditApi(JsonNode view) {
        JsonNode index = view.path("verification").path("computeEvent").path("index");
        if (!index.canConvertToLong()) {
            return null;
        }
        try {
            return client().getJson("/api/v1/audit/proofs/inclusion?index=" + index.asLong());
        } catch (ServiceException e) {
            if (e.status() == 401 || e.status() == 403) {
                return null;
            }
            throw SessionOptions.refused(e);
        }
    }

    private AuthorityTrust readTrust() {
        Path f = workerTrust != null ? workerTrust : session.configDir().resolve(WORKER_TRUST);
        if (!Files.isRegularFile(f)) {
            throw CliFailure.usage("no worker trust file at " + f
                    + " (give --worker-trust FILE, the operator's data/enclave/worker.trust)");
        }
        try {
            if (Files.size(f) > 64 * 1024) {
                throw CliFailure.usage(f + " is not a worker trust file");
            }
            return AuthorityTrust.parse(Files.readAllBytes(f));
        } catch (MalformedEncodingException e) {
            throw CliFailure.usage(f + ": " + e.getMessage());
        } catch (IOException e) {
            throw CliFailure.usage("cannot read " + f);
        }
    }

    private static JsonNode readResult(Path f) {
        try {
            if (Files.size(f) > MAX_RESULT_FILE) {
                throw CliFailure.usage(f + " is larger than 16 MiB");
            }
            JsonNode node = Json.parse(Files.readAllBytes(f));
            if (node == null || !node.isObject()) {
                throw CliFailure.usage(f + " must hold one JSON object (a saved query result)");
            }
            return node;
        } catch (IOException e) {
            throw CliFailure.usage(f + " is not a readable JSON result");
        }
    }
}
