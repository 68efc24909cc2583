package org.medshare.client.node;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.medshare.client.AtomicOutput;
import org.medshare.client.CliFailure;
import org.medshare.ledger.LedgerSuite;
import org.medshare.ledger.checkpoint.CheckpointSigner;
import org.medshare.ledger.checkpoint.NoteKeys;
import org.medshare.ledger.checkpoint.SecretKeyAccess;
import org.medshare.ledger.consortium.Consortium;
import org.medshare.ledger.consortium.ConsortiumNode;
import org.medshare.ledger.consortium.NodeHttp;
import org.medshare.ledger.consortium.TransportCa;
import org.medshare.ledger.replication.GroupTls;
import org.medshare.ledger.replication.MemberKey;
import org.medshare.ledger.storage.TamperDetectedException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code medshare node}: one consortium organisation's ledger node. {@code keygen} makes the organisation's
 * checkpoint key and prints the verifier key for its line of the consortium file; {@code run} runs the node (its
 * own copy of the log, its Raft member and witness) and serves its log read-only over HTTP until stopped.
 * {@code tls-ca} makes the consortium's transport root and {@code tls-cert} issues each party (every node, the
 * service) its key and certificate for mutual TLS in the Raft group.
 */
@Command(
        name = "node",
        mixinStandardHelpOptions = true,
        description = "Your organisation's node of the consortium ledger (ledger member and witness).",
        subcommands = {
            NodeCommand.Keygen.class,
            NodeCommand.Run.class,
            NodeCommand.TlsCa.class,
            NodeCommand.TlsCert.class
        })
public final class NodeCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw CliFailure.usage("node needs a subcommand: keygen, run, tls-ca or tls-cert");
    }

    /** {@code medshare node keygen --org ORG --out FILE [--suite nist|gm]}. */
    @Command(
            name = "keygen",
            mixinStandardHelpOptions = true,
            description = "Make your organisation's checkpoint key (owner-only file) and print its verifier key for"
                    + " the consortium file's member line.")
    static final class Keygen implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--org", required = true, paramLabel = "ORG", description = "your organisation id")
        String organisation;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "the key file to create")
        Path out;

        @Option(
                names = "--suite",
                defaultValue = "nist",
                paramLabel = "SUITE",
                description = "nist (Ed25519) or gm" + " (SM2); the consortium's suite")
        String suite;

        @Override
        public Integer call() throws IOException, GeneralSecurityException {
            if (!organisation.matches("[A-Za-z0-9._-]{1,64}")) {
                throw CliFailure.usage("--org must be 1-64 of [A-Za-z0-9._-]");
            }
            LedgerSuite ledgerSuite;
            try {
                ledgerSuite = LedgerSuite.fromId(suite);
            } catch (IllegalArgumentException e) {
                throw CliFailure.usage("--suite must be nist or gm");
            }
            if (Files.exists(out)) {
                throw CliFailure.usage(out + " exists; a node key is never overwritten");
            }
            CheckpointSigner signer = ledgerSuite.generateSigner(organisation);
            AtomicOutput.write(
                    out,
                    (NoteKeys.encodeSigner(signer, SecretKeyAccess.get()) + "\n").getBytes(StandardCharsets.US_ASCII),
                    true);
            spec.commandLine()
                    .getOut()
                    .println(MemberKey.of(organisation, signer).verifier().encode());
            return 0;
        }
    }

    /** {@code medshare node run --consortium FILE --org ORG --key FILE --dir DIR}. */
    @Command(
            name = "run",
            mixinStandardHelpOptions = true,
            description = "Run your organisation's node until stopped (SIGTERM or Ctrl-C): it joins the Raft group at"
                    + " its address in the consortium file and serves its log read-only at its HTTP address.")
    static final class Run implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--consortium", required = true, paramLabel = "FILE", description = "the consortium file")
        Path consortiumFile;

        @Option(names = "--org", required = true, paramLabel = "ORG", description = "your organisation id")
        String organisation;

        @Option(names = "--key", required = true, paramLabel = "FILE", description = "your key (node keygen)")
        Path keyFile;

        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "your node's data directory")
        Path dir;

        @Option(
                names = "--tls-key",
                paramLabel = "FILE",
                description = "your transport key (node tls-cert); required when the consortium file pins a tls-root")
        Path tlsKey;

        @Option(
                names = "--tls-cert",
                paramLabel = "FILE",
                description = "your transport certificate (node tls-cert), with --tls-key")
        Path tlsCert;

        @Option(
                names = "--checkpoint-interval",
                defaultValue = "PT0.05S",
                paramLabel = "DURATION",
                description = "how often the leading node proposes a checkpoint of new entries (ISO-8601)")
        Duration checkpointInterval;

        @Option(
                names = "--election-timeout",
                defaultValue = "PT1S",
                paramLabel = "DURATION",
                description = "minimum Raft election timeout (ISO-8601)")
        Duration electionTimeout;

        @Override
        public Integer call() throws IOException, InterruptedException {
            if (checkpointInterval.isNegative() || checkpointInterval.isZero()) {
                throw CliFailure.usage("--checkpoint-interval must be positive");
            }
            if (electionTimeout.toMillis() < 100) {
                throw CliFailure.usage("--election-timeout must be at least 100 ms");
            }
            Consortium consortium;
            try {
                consortium = Consortium.parse(Files.readString(consortiumFile, StandardCharsets.UTF_8));
                consortium.member(organisation);
            } catch (NoSuchFileException e) {
                throw CliFailure.usage("consortium file not found: " + consortiumFile);
            } catch (IllegalArgumentException e) {
                throw CliFailure.usage(consortiumFile + ": " + e.getMessage());
            }
            CheckpointSigner key = readKey(keyFile);
            GroupTls tls = transport(consortium, tlsKey, tlsCert);
            ConsortiumNode node;
            try {
                node = ConsortiumNode.start(
                        consortium, organisation, key, tls, dir, checkpointInterval, electionTimeout);
            } catch (IllegalArgumentException e) {
                throw CliFailure.usage(e.getMessage());
            } catch (TamperDetectedException e) {
                throw CliFailure.verification("this node's copy of the log fails its checks: " + e.getMessage());
            }
            NodeHttp http;
            try {
                http = NodeHttp.start(node, consortium.member(organisation).http());
            } catch (IOException e) {
                node.close();
                throw e;
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                http.close();
                                try {
                                    node.close();
                                } catch (IOException e) {
                                    System.err.println("node " + organisation + ": closing failed: " + e.getMessage());
                                }
                                stopped.countDown();
                            },
                            "node-shutdown"));
            spec.commandLine()
                    .getOut()
                    .println("node " + organisation + " ready: raft " + hostPort(consortium, true) + ", http "
                            + hostPort(consortium, false) + ", " + node.log().size() + " entries");
            spec.commandLine().getOut().flush();
            stopped.await();
            return 0;
        }

        private static GroupTls transport(Consortium consortium, Path keyFile, Path certificateFile)
                throws IOException {
            if ((keyFile == null) != (certificateFile == null)) {
                throw CliFailure.usage("--tls-key and --tls-cert go together");
            }
            GroupTls tls = null;
            if (keyFile != null) {
                X509Certificate root = consortium
                        .transportRoot()
                        .orElseThrow(() -> CliFailure.usage(
                                "the consortium file pins no tls-root, so its group runs without TLS"));
                try {
                    tls = GroupTls.load(keyFile, certificateFile, root);
                } catch (NoSuchFileException e) {
                    throw CliFailure.usage("transport file not found: " + e.getFile());
                } catch (GeneralSecurityException e) {
                    throw CliFailure.usage("transport key or certificate refused: " + e.getMessage());
                }
            }
            try {
                consortium.checkTransport(tls);
            } catch (IllegalArgumentException e) {
                throw CliFailure.usage(e.getMessage() + " (--tls-key, --tls-cert)");
            }
            return tls;
        }

        private String hostPort(Consortium consortium, boolean raft) {
            Consortium.Member m = consortium.member(organisation);
            InetSocketAddress a = raft ? m.raft() : m.http();
            return a.getHostString() + ":" + a.getPort();
        }

        private static CheckpointSigner readKey(Path file) throws IOException {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.US_ASCII);
            } catch (NoSuchFileException e) {
                throw CliFailure.usage("key file not found: " + file);
            }
            try {
                return NoteKeys.parseSigner(text.strip(), SecretKeyAccess.get());
            } catch (GeneralSecurityException e) {
                throw CliFailure.usage(file + " is not a node key (medshare node keygen writes one)");
            }
        }
    }

    /** {@code medshare node tls-ca --out DIR}. */
    @Command(
            name = "tls-ca",
            mixinStandardHelpOptions = true,
            description = "Make the consortium's transport root: DIR/ca.key (owner-only, kept by the consortium's"
                    + " governance) and DIR/ca.crt; prints the consortium file's tls-root line.")
    static final class TlsCa implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "the folder to write to")
        Path out;

        @Option(
                names = "--name",
                defaultValue = "medshare-consortium",
                paramLabel = "NAME",
                description = "the root's name")
        String name;

        @Override
        public Integer call() throws IOException, GeneralSecurityException {
            Path key = out.resolve("ca.key");
            Path certificate = out.resolve("ca.crt");
            if (Files.exists(key) || Files.exists(certificate)) {
                throw CliFailure.usage(out + " already holds a transport root; it is never overwritten");
            }
            TransportCa ca;
            try {
                ca = TransportCa.create(name);
            } catch (IllegalArgumentException e) {
                throw CliFailure.usage("--name: " + e.getMessage());
            }
            Files.createDirectories(out);
            AtomicOutput.write(key, ca.keyPem().getBytes(StandardCharsets.US_ASCII), true);
            AtomicOutput.write(certificate, ca.rootPem().getBytes(StandardCharsets.US_ASCII), false);
            spec.commandLine()
                    .getOut()
                    .println("tls-root "
                            + Base64.getEncoder().encodeToString(ca.root().getEncoded()));
            return 0;
        }
    }

    /** {@code medshare node tls-cert --ca DIR --name NAME [--host HOST]... --out DIR}. */
    @Command(
            name = "tls-cert",
            mixinStandardHelpOptions = true,
            description = "Issue a party (an organisation's node, or the service) its transport key and certificate"
                    + " under the consortium's root: DIR/NAME.key (owner-only) and DIR/NAME.crt.")
    static final class TlsCert implements Callable<Integer> {
        @Option(names = "--ca", required = true, paramLabel = "DIR", description = "the root's folder (node tls-ca)")
        Path caDir;

        @Option(
                names = "--name",
                required = true,
                paramLabel = "NAME",
                description = "the party: an organisation id or service")
        String name;

        @Option(
                names = "--host",
                paramLabel = "HOST",
                description = "a host (IP address or DNS name) the party's Raft server listens at; repeatable")
        List<String> hosts = new ArrayList<>();

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "the folder to write to")
        Path out;

        @Override
        public Integer call() throws IOException, GeneralSecurityException {
            Path key = out.resolve(name + ".key");
            Path certificate = out.resolve(name + ".crt");
            TransportCa ca;
            try {
                ca = TransportCa.load(
                        Files.readString(caDir.resolve("ca.key"), StandardCharsets.US_ASCII),
                        Files.readString(caDir.resolve("ca.crt"), StandardCharsets.US_ASCII));
            } catch (NoSuchFileException e) {
                throw CliFailure.usage("transport root not found: " + e.getFile());
            } catch (GeneralSecurityException e) {
                throw CliFailure.usage(caDir + " does not hold a transport root: " + e.getMessage());
            }
            TransportCa.Issued issued;
            try {
                issued = ca.issue(name, hosts);
            } catch (IllegalArgumentException e) {
                throw CliFailure.usage(e.getMessage());
            }
            if (Files.exists(key) || Files.exists(certificate)) {
                throw CliFailure.usage(out + " already holds " + name + "'s transport key; it is never overwritten");
            }
            Files.createDirectories(out);
            AtomicOutput.write(key, issued.keyPem().getBytes(StandardCharsets.US_ASCII), true);
            AtomicOutput.write(certificate, issued.certificatePem().getBytes(StandardCharsets.US_ASCII), false);
            return 0;
        }
    }
}
