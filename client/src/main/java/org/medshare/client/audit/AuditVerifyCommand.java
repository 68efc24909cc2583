package org.medshare.client.audit;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.medshare.client.CliFailure;
import org.medshare.ledger.anchor.AnchorChain;
import org.medshare.ledger.checkpoint.NoteVerifier;
import org.medshare.ledger.contract.EvmAddress;
import org.medshare.ledger.verify.AnchorVerifier;
import org.medshare.ledger.verify.ContractReplay;
import org.medshare.ledger.verify.LedgerVerifier;
import org.medshare.ledger.verify.MembershipVerifier;
import org.medshare.ledger.verify.PinnedCheckpoint;
import org.medshare.ledger.verify.VerificationReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code medshare audit verify --ledger DIR --keys FILE... [--quorum N] [--prove INDEX...]}: offline
 * verification of a ledger directory with nothing but the consortium members' checkpoint keys
 * (org.medshare.ledger.verify.LedgerVerifier). With {@code --ca CERT --certs CERT...} instead of
 * {@code --keys}, the members are those admitted by the ledger's own MEMBER_ADMITTED /
 * MEMBER_REMOVED events whose certificates chain to the consortium CA
 * (org.medshare.ledger.verify.MembershipVerifier). The incentive contract is re-executed from the
 * ledger's CONTRACT_CALL entries on the embedded EVM and the recomputed balances are printed, one
 * {@code balance <organisation|address> escrow=N earned=N} line per account. Exit 0 when everything
 * verifies; 1 with a one-line reason naming the first bad entry (and its segment) or checkpoint — a
 * recorded state root, a refused call or a PAYMENT the contract did not make included; 2 on a usage error.
 * With {@code --anchor-rpc URL --anchor-contract ADDRESS}, every anchor of the log's origin is then read
 * from that EVM chain (org.medshare.ledger.verify.AnchorVerifier): exit 1 naming the anchor whose root is
 * not the log's root at its size, or the ANCHORED entry whose transaction does not hold it. Each
 * {@code --checkpoint FILE} is a signed checkpoint saved earlier ({@code medshare audit checkpoint}): exit 1
 * unless the log still reproduces its root at its size, so an operator who rewrote and re-signed the
 * log since is caught. A log with entries and no final checkpoint fails. Registered
 * as the {@code verify} subcommand of {@code medshare audit}.
 */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = "Verify checkpoint signatures and quorum, every segment byte, roots, consistency"
                + " between checkpoints and inclusion of chosen entries, and re-execute the incentive contract"
                + " from genesis (recomputed balances printed), offline; with --checkpoint, check the log against"
                + " checkpoints saved earlier; with --anchor-rpc and --anchor-contract,"
                + " also compare every checkpoint anchored on that EVM chain with the log.")
public final class AuditVerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--ledger", required = true, paramLabel = "DIR", description = "ledger directory")
    Path ledger;

    @Option(
            names = "--keys",
            arity = "1..*",
            paramLabel = "FILE",
            description = "verifier key files (one <name>+<keyid hex>+<base64> per line)")
    List<Path> keys;

    @Option(names = "--ca", paramLabel = "CERT", description = "consortium CA root certificate (PEM or DER)")
    Path ca;

    @Option(names = "--certs", arity = "1..*", paramLabel = "CERT", description = "member certificates (PEM or DER)")
    List<Path> certs = new ArrayList<>();

    @Option(
            names = "--quorum",
            paramLabel = "N",
            description = "distinct member signatures required per checkpoint (default: a majority of the keys)")
    Integer quorum;

    @Option(
            names = "--prove",
            arity = "1..*",
            paramLabel = "INDEX",
            description = "entries whose inclusion proof against the latest checkpoint is built and checked")
    List<Long> prove = new ArrayList<>();

    @Option(
            names = "--checkpoint",
            paramLabel = "FILE",
            description = "a signed checkpoint saved earlier (repeatable): the log must be consistent with each")
    List<Path> checkpoints = new ArrayList<>();

    @Option(
            names = "--anchor-rpc",
            paramLabel = "URL",
            description = "JSON-RPC URL of the EVM chain holding the log's checkpoint anchors (with --anchor-contract)")
    URI anchorRpc;

    @Option(
            names = "--anchor-contract",
            paramLabel = "ADDRESS",
            description = "address of the CheckpointAnchor contract on that chain (with --anchor-rpc)")
    String anchorContract;

    /** How long one request to the anchoring chain may take. */
    static final Duration ANCHOR_RPC_TIMEOUT = Duration.ofSeconds(30);

    private EvmAddress anchor;

    @Override
    public Integer call() {
        if (!Files.isDirectory(ledger)) {
            throw CliFailure.usage("--ledger " + ledger + " is not a directory");
        }
        if ((keys == null) == (ca == null)) {
            throw CliFailure.usage("give either --keys FILE... or --ca CERT --certs CERT...");
        }
        if ((anchorRpc == null) != (anchorContract == null)) {
            throw CliFailure.usage("--anchor-rpc and --anchor-contract go together");
        }
        if (anchorContract != null) {
            if (!"http".equals(anchorRpc.getScheme()) && !"https".equals(anchorRpc.getScheme())) {
                throw CliFailure.usage("--anchor-rpc must be an http or https URL");
            }
            try {
                anchor = EvmAddress.parse(anchorContract);
            } catch (IllegalArgumentException e) {
                throw CliFailure.usage("--anchor-contract: " + e.getMessage());
            }
        }
        List<PinnedCheckpoint> pins = readPins();
        if (ca != null) {
            return verifyWithMembership(pins);
        }
        List<NoteVerifier> trusted = MemberKeys.read(keys);
        int q = quorum(trusted.size(), "keys");
        VerificationReport report;
        try {
            report = LedgerVerifier.verify(ledger, trusted, q, prove, pins);
        } catch (IOException e) {
            throw CliFailure.verification("cannot read the ledger: " + e.getMessage());
        }
        return print(report);
    }

    private List<PinnedCheckpoint> readPins() {
        List<PinnedCheckpoint> pins = new ArrayList<>();
        for (Path f : checkpoints) {
            try {
                pins.add(new PinnedCheckpoint(f.toString(), Files.readString(f, StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw CliFailure.usage("--checkpoint " + f + " is not readable: " + e.getMessage());
            }
        }
        return pins;
    }

    private int verifyWithMembership(List<PinnedCheckpoint> pins) {
        if (certs.isEmpty()) {
            throw CliFailure.usage("--ca needs --certs with the members' certificates");
        }
        if (!prove.isEmpty()) {
            throw CliFailure.usage("--prove works with --keys");
        }
        X509Certificate root = readCertificate(ca);
        List<X509Certificate> members = new ArrayList<>();
        for (Path c : certs) {
            members.add(readCertificate(c));
        }
        int q = quorum(members.size(), "certificates");
        try {
            return print(MembershipVerifier.verify(ledger, root, members, q, pins));
        } catch (IOException e) {
            throw CliFailure.verification("cannot read the ledger: " + e.getMessage());
        }
    }

    /** {@code --quorum}, by default a majority of the {@code members} given (named {@code what}). */
    private int quorum(int members, String what) {
        int q = quorum == null ? members / 2 + 1 : quorum;
        if (q < 1 || q > members) {
            throw CliFailure.usage("--quorum must be between 1 and the number of " + what + " (" + members + ")");
        }
        return q;
    }

    private static X509Certificate readCertificate(Path p) {
        try (InputStream in = Files.newInputStream(p)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509", new BouncyCastleProvider())
                    .generateCertificate(in);
        } catch (IOException | CertificateException e) {
            throw CliFailure.usage("certificate " + p + " is not readable: " + e.getMessage());
        }
    }

    private int print(VerificationReport report) {
        if (!report.ok()) {
            throw CliFailure.verification("ledger verification failed: " + report.failure());
        }
        var out = spec.commandLine().getOut();
        out.println(report.summary());
        for (String note : report.notes()) {
            out.println("  " + note);
        }
        if (report.contract() != null) {
            out.println("contract state root " + report.contract().stateRoot() + " after "
                    + report.contract().calls() + " calls; balances recomputed from genesis:");
            for (ContractReplay.Balance b : report.contract().balances()) {
                out.println("  balance "
                        + (b.organisation() != null
                                ? b.organisation()
                                : b.address().toString()) + " escrow=" + b.escrow() + " earned=" + b.earned());
            }
        }
        if (anchor != null) {
            out.println(verifyAnchors().summary());
        }
        out.flush();
        return 0;
    }

    private AnchorVerifier.Report verifyAnchors() {
        AnchorVerifier.Report report;
        try (AnchorChain chain = AnchorChain.connect(anchorRpc, ANCHOR_RPC_TIMEOUT)) {
            report = AnchorVerifier.verify(ledger, chain, anchor);
        } catch (IOException e) {
            throw CliFailure.verification("cannot read the anchors from " + anchorRpc + ": " + e.getMessage());
        }
        if (!report.ok()) {
            throw CliFailure.verification("anchor verification failed: " + report.failure());
        }
        return report;
    }
}
