package org.medshare.enclave.host;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.medshare.enclave.CodeSet;
import org.medshare.enclave.EnclaveConfig;
import org.medshare.enclave.EnclaveIdentity;
import org.medshare.enclave.EnclaveMain;
import org.medshare.enclave.EnclaveServer;
import org.medshare.enclave.MalformedEncodingException;
import org.medshare.enclave.SigStruct;
import org.medshare.enclave.TcbLevel;
import org.medshare.enclave.WireReader;
import org.medshare.enclave.WireWriter;
import org.medshare.enclave.attest.AttestationEvidence;
import org.medshare.enclave.attest.SimRootCa;
import org.medshare.enclave.protocol.Frame;
import org.medshare.enclave.protocol.MessageType;
import org.medshare.enclave.protocol.ProtocolException;
import org.medshare.enclave.seal.PlatformSecret;

/**
 * The untrusted host's handle on one simulated enclave. {@link #start} launches the enclave as a
 * separate JVM ({@link EnclaveMain}, same java executable and classpath as this JVM unless
 * configured otherwise) and talks to it only through length-prefixed protocol frames on the
 * child's stdin/stdout. The host holds the {@link SimRootCa} and certifies the child's platform
 * key during the handshake; the root's private key never enters the child.
 *
 * <p>{@link #startInProcess} runs the same protocol over in-memory pipes in a thread of this JVM:
 * for unit tests only (it offers no process isolation at all).
 *
 * <p>Thread-safe: requests are serialised. Everything the enclave returns is SIMULATED; {@link
 * #banner()} says so in words.
 */
public final class EnclaveHost implements AutoCloseable {
    private final Process process;
    private final Thread inProcessThread;
    private final InputStream fromEnclave;
    private final OutputStream toEnclave;
    private final EnclaveIdentity identity;
    private final String banner;
    private boolean closed;

    private EnclaveHost(
            Process process,
            Thread thread,
            InputStream fromEnclave,
            OutputStream toEnclave,
            EnclaveIdentity identity,
            String banner) {
        this.process = process;
        this.inProcessThread = thread;
        this.fromEnclave = fromEnclave;
        this.toEnclave = toEnclave;
        this.identity = identity;
        this.banner = banner;
    }

    /** What to launch and on which simulated platform. */
    public record LaunchSpec(
            SigStruct sigStruct,
            EnclaveConfig config,
            SimRootCa root,
            String platformId,
            Path platformSecretFile,
            TcbLevel tcbLevel) {
        public LaunchSpec {
            Objects.requireNonNull(sigStruct);
            Objects.requireNonNull(config);
            Objects.requireNonNull(root);
            Objects.requireNonNull(platformId);
            Objects.requireNonNull(platformSecretFile);
            Objects.requireNonNull(tcbLevel);
        }
    }

    /**
     * Starts the enclave in a child JVM with this JVM's java executable and classpath.
     *
     * @throws EnclaveCallException with code LAUNCH_REFUSED if the enclave's measurement does not
     *     match the SIGSTRUCT, or PROTOCOL if the child misbehaves
     */
    public static EnclaveHost start(LaunchSpec spec) throws IOException, EnclaveCallException {
        return start(spec, System.getProperty("java.class.path"), Duration.ofSeconds(60));
    }

    /**
     * Starts the enclave in a child JVM with the given classpath (e.g. one whose enclave classes
     * were modified, to show that the measurement changes). The child is killed if it has not
     * completed the handshake within {@code startTimeout}.
     */
    public static EnclaveHost start(LaunchSpec spec, String classPath, Duration startTimeout)
            throws IOException, EnclaveCallException {
        return start(spec, classPath, startTimeout, List.of());
    }

    /**
     * As {@link #start(LaunchSpec, String, Duration)}, with extra JVM options for the enclave
     * process (e.g. {@code -Xmx2g}). Options must start with {@code -X} or {@code -XX:}: system
     * properties and agents could change the enclave's behaviour outside its measurement. This is a
     * guard-rail against accidents; in a simulation the host could always start something else,
     * which is why verifiers rely on quotes and never on the host.
     */
    public static EnclaveHost start(LaunchSpec spec, String classPath, Duration startTimeout, List<String> jvmOptions)
            throws IOException, EnclaveCallException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        for (String o : jvmOptions) {
            if (!o.startsWith("-X")
                    || o.startsWith("-Xbootclasspath")
                    || o.startsWith("-XX:VMOptionsFile")
                    || o.startsWith("-XX:Flags")
                    || o.startsWith("-XX:+EnableDynamicAgentLoading")) {
                throw new IllegalArgumentException(
                        "only -X / -XX: tuning options are allowed for the enclave JVM: " + o);
            }
            cmd.add(o);
        }
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(EnclaveMain.class.getName());
        cmd.add("--platform-id");
        cmd.add(spec.platformId());
        cmd.add("--platform-secret");
        cmd.add(spec.platformSecretFile().toAbsolutePath().toString());
        cmd.add("--tcb");
        cmd.add(spec.tcbLevel().name());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        Process p = pb.start();
        InputStream in = new BufferedInputStream(p.getInputStream(), 1 << 16);
        OutputStream out = new BufferedOutputStream(p.getOutputStream(), 1 << 16);
        CountDownLatch handshakeDone = new CountDownLatch(1);
        Thread watchdog = new Thread(
                () -> {
                    try {
                        if (!handshakeDone.await(startTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                            p.destroyForcibly();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "enclave-sim-start-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        try {
            Handshake h = handshake(spec, in, out);
            return new EnclaveHost(p, null, in, out, h.identity, h.banner);
        } catch (IOException | EnclaveCallException | RuntimeException e) {
            p.destroyForcibly();
            if (!p.isAlive() && handshakeDone.getCount() == 1 && e instanceof EOFException) {
                throw new IOException("enclave process ended or timed out (" + startTimeout + ") before READY", e);
            }
            throw e;
        } finally {
            handshakeDone.countDown();
        }
    }

    /** Unit tests only: the same protocol over pipes to an enclave running in a thread of this JVM. */
    public static EnclaveHost startInProcess(LaunchSpec spec, CodeSet codeSet)
            throws IOException, EnclaveCallException {
        PipedInputStream enclaveIn = new PipedInputStream(1 << 16);
        PipedOutputStream hostOut = new PipedOutputStream(enclaveIn);
        PipedInputStream hostIn = new PipedInputStream(1 << 16);
        PipedOutputStream enclaveOut = new PipedOutputStream(hostIn);
        EnclaveServer server = new EnclaveServer(
                spec.platformId(),
                spec.tcbLevel(),
                () -> {
                    try {
                        return PlatformSecret.loadOrCreate(spec.platformSecretFile());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                },
                () -> codeSet,
                Clock.systemUTC());
        Thread t = new Thread(
                () -> {
                    try (enclaveOut) {
                        server.serve(enclaveIn, enclaveOut);
                    } catch (IOException ignored) {
                        // host closed the pipe
                    }
                },
                "enclave-sim-in-process");
        t.setDaemon(true);
        t.start();
        Handshake h = handshake(spec, hostIn, hostOut);
        return new EnclaveHost(null, t, hostIn, hostOut, h.identity, h.banner);
    }

    private record Handshake(EnclaveIdentity identity, String banner) {}

    private static Handshake handshake(LaunchSpec spec, InputStream in, OutputStream out)
            throws IOException, EnclaveCallException {
        Frame hello = Frame.readFrom(in);
        if (hello.type() != MessageType.HELLO) {
            throw new ProtocolException("expected HELLO, got " + hello.type());
        }
        try {
            WireReader r = new WireReader(hello.payload());
            String banner = r.utf8();
            String platformId = r.utf8();
            byte[] platformSpki = r.bytes();
            r.expectEnd();
            if (!platformId.equals(spec.platformId())) {
                throw new ProtocolException("enclave announced platform " + platformId);
            }
            PublicKey platformKey = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(platformSpki));
            X509Certificate platformCert = spec.root().certifyPlatform(platformKey, platformId);
            byte[] init = new WireWriter()
                    .bytes(spec.sigStruct().toBytes())
                    .bytes(spec.config().toBytes())
                    .bytes(platformCert.getEncoded())
                    .bytes(spec.root().certificate().getEncoded())
                    .toByteArray();
            new Frame(MessageType.INIT, init).writeTo(out);
            Frame ready = expect(Frame.readFrom(in), MessageType.READY);
            return new Handshake(EnclaveIdentity.parse(ready.payload()), banner);
        } catch (GeneralSecurityException e) {
            throw new ProtocolException("bad HELLO or READY from enclave: " + e.getMessage());
        }
    }

    private static Frame expect(Frame f, MessageType type) throws EnclaveCallException, ProtocolException {
        if (f.type() == MessageType.ERROR) {
            try {
                WireReader r = new WireReader(f.payload());
                String code = r.utf8();
                String msg = r.utf8();
                r.expectEnd();
                throw new EnclaveCallException(code, msg);
            } catch (MalformedEncodingException e) {
                throw new ProtocolException("malformed ERROR frame");
            }
        }
        if (f.type() != type) {
            throw new ProtocolException("expected " + type + ", got " + f.type());
        }
        return f;
    }

    /** The identity the enclave reported after launch (verify it through a quote, not this). */
    public EnclaveIdentity identity() {
        return identity;
    }

    /** The enclave's self-description, which states that it is SIMULATED. */
    public String banner() {
        return banner;
    }

    /** True if the enclave runs in its own process (false only for the unit-test mode). */
    public boolean isSeparateProcess() {
        return process != null;
    }

    /** OS process id of the enclave, or -1 in the unit-test mode. */
    public long pid() {
        return process == null ? -1 : process.pid();
    }

    /** Asks the enclave for attestation evidence bound to {@code verifierNonce}. */
    public synchronized AttestationEvidence attest(byte[] verifierNonce) throws IOException, EnclaveCallException {
        ensureOpen();
        new Frame(
                        MessageType.QUOTE_REQUEST,
                        new WireWriter().bytes(verifierNonce).toByteArray())
                .writeTo(toEnclave);
        Frame f = expect(Frame.readFrom(fromEnclave), MessageType.QUOTE);
        try {
            return AttestationEvidence.parse(f.payload());
        } catch (GeneralSecurityException e) {
            throw new ProtocolException("malformed evidence from enclave: " + e.getMessage());
        }
    }

    /**
     * Calls an enclave service by name.
     *
     * @throws EnclaveCallException if the service refuses (its code and safe message) or does not
     *     exist ({@code NO_SUCH_SERVICE})
     */
    public synchronized byte[] call(String service, byte[] request) throws IOException, EnclaveCallException {
        ensureOpen();
        new Frame(
                        MessageType.CALL,
                        new WireWriter().utf8(service).bytes(request).toByteArray())
                .writeTo(toEnclave);
        return expect(Frame.readFrom(fromEnclave), MessageType.RESULT).payload();
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("enclave host is closed");
        }
    }

    /** Sends SHUTDOWN, waits up to 10 s for the child to exit, then kills it. Idempotent. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            new Frame(MessageType.SHUTDOWN, new byte[0]).writeTo(toEnclave);
            Frame.readFrom(fromEnclave);
        } catch (IOException ignored) {
            // the enclave is already gone
        } finally {
            toEnclave.close();
            if (process != null) {
                try {
                    if (!process.waitFor(10, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    process.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            } else if (inProcessThread != null) {
                try {
                    inProcessThread.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            fromEnclave.close();
        }
    }

    /** Classpath of this JVM with {@code replacement} substituted for the entry {@code original}. */
    public static String classPathReplacing(Path original, Path replacement) {
        List<String> out = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            out.add(Path.of(e).toAbsolutePath().equals(original.toAbsolutePath()) ? replacement.toString() : e);
        }
        return String.join(File.pathSeparator, out);
    }

    @Override
    public String toString() {
        return "EnclaveHost{SIMULATED, pid=" + pid() + ", " + identity + "}";
    }
}
