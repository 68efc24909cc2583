package org.medshare.enclave;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Supplier;
import org.medshare.enclave.attest.QuotingEnclave;
import org.medshare.enclave.attest.SimPlatform;
import org.medshare.enclave.protocol.Frame;
import org.medshare.enclave.protocol.MessageType;
import org.medshare.enclave.protocol.ProtocolException;
import org.medshare.enclave.seal.PlatformSecret;

/**
 * The enclave side of the host–enclave protocol ({@link MessageType}): announces the simulated
 * platform, accepts INIT (SIGSTRUCT, configuration, platform certificate), launches the {@link
 * EnclaveRuntime} and then answers one request at a time until SHUTDOWN or end of input.
 *
 * <p>Only protocol frames are written to {@code out}; errors become ERROR frames with a code and
 * a message that never contains secrets.
 */
public final class EnclaveServer {
    /** Printed in HELLO and on stderr so nobody mistakes the simulation for hardware. */
    public static final String BANNER =
            "MedShare enclave-sim: SIMULATED TEE (no hardware isolation; the host can read this process)";

    private final String platformId;
    private final TcbLevel tcbLevel;
    private final Supplier<PlatformSecret> platformSecret;
    private final Supplier<CodeSet> codeSet;
    private final Clock clock;

    public EnclaveServer(
            String platformId,
            TcbLevel tcbLevel,
            Supplier<PlatformSecret> platformSecret,
            Supplier<CodeSet> codeSet,
            Clock clock) {
        this.platformId = platformId;
        this.tcbLevel = tcbLevel;
        this.platformSecret = platformSecret;
        this.codeSet = codeSet;
        this.clock = clock;
    }

    /**
     * Built-in services plus those registered for {@link ServiceLoader}. Only measured code may run
     * in the enclave: a registered service whose class is not part of {@code code} (for example one
     * on the test classpath or in an unmeasured jar) refuses the launch, and is never instantiated.
     */
    static List<EnclaveService> discoverServices(CodeSet code) throws EnclaveLaunchException {
        List<EnclaveService> all = new ArrayList<>(BuiltinServices.create());
        for (ServiceLoader.Provider<EnclaveService> p :
                ServiceLoader.load(EnclaveService.class, EnclaveServer.class.getClassLoader()).stream()
                        .toList()) {
            requireMeasured(p.type(), code);
            all.add(p.get());
        }
        return all;
    }

    static void requireMeasured(Class<?> type, CodeSet code) throws EnclaveLaunchException {
        if (!code.covers(type)) {
            throw new EnclaveLaunchException("enclave service " + type.getName()
                    + " is not part of the measured code set; it cannot run in the enclave");
        }
    }

    /**
     * Runs the protocol until SHUTDOWN (returns 0), end of input (returns 0), a refused launch
     * (returns 3) or a protocol violation (returns 4).
     */
    public int serve(InputStream in, OutputStream out) throws IOException {
        EnclaveRuntime runtime;
        try {
            SimPlatform platform = SimPlatform.generate(platformId, tcbLevel, clock);
            new Frame(
                            MessageType.HELLO,
                            new WireWriter()
                                    .utf8(BANNER)
                                    .utf8(platformId)
                                    .bytes(platform.publicKey().getEncoded())
                                    .toByteArray())
                    .writeTo(out);
            Frame init = Frame.readFrom(in);
            if (init.type() != MessageType.INIT) {
                throw new ProtocolException("expected INIT, got " + init.type());
            }
            WireReader r = new WireReader(init.payload());
            SigStruct sig = SigStruct.parse(r.bytes());
            EnclaveConfig config = EnclaveConfig.parse(r.bytes());
            X509Certificate platformCert = parseCert(r.bytes());
            X509Certificate rootCert = parseCert(r.bytes());
            r.expectEnd();
            QuotingEnclave qe = platform.provision(platformCert, rootCert);
            CodeSet code = codeSet.get();
            runtime = EnclaveRuntime.launch(code, config, sig, qe, platformSecret.get(), discoverServices(code));
        } catch (EOFException e) {
            return 0;
        } catch (ProtocolException e) {
            sendError(out, "PROTOCOL", e.getMessage());
            return 4;
        } catch (GeneralSecurityException | RuntimeException e) {
            sendError(out, "LAUNCH_REFUSED", e.getMessage());
            return 3;
        } catch (ServiceConfigurationError e) {
            sendError(out, "LAUNCH_REFUSED", "an enclave service registration is broken: " + e.getMessage());
            return 3;
        }
        new Frame(MessageType.READY, runtime.identity().toBytes()).writeTo(out);
        return loop(runtime, in, out);
    }

    private static X509Certificate parseCert(byte[] der) throws GeneralSecurityException {
        return (X509Certificate)
                CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }

    private static int loop(EnclaveRuntime runtime, InputStream in, OutputStream out) throws IOException {
        while (true) {
            Frame req;
            try {
                req = Frame.readFrom(in);
            } catch (EOFException e) {
                return 0;
            } catch (ProtocolException e) {
                sendError(out, "PROTOCOL", e.getMessage());
                return 4;
            }
            switch (req.type()) {
                case SHUTDOWN -> {
                    new Frame(MessageType.BYE, new byte[0]).writeTo(out);
                    return 0;
                }
                case QUOTE_REQUEST -> {
                    try {
                        WireReader r = new WireReader(req.payload());
                        byte[] nonce = r.bytes();
                        r.expectEnd();
                        new Frame(MessageType.QUOTE, runtime.attest(nonce).toBytes()).writeTo(out);
                    } catch (GeneralSecurityException | IllegalArgumentException e) {
                        sendError(out, "QUOTE_FAILED", e.getMessage());
                    }
                }
                case CALL -> {
                    try {
                        WireReader r = new WireReader(req.payload());
                        String name = r.utf8();
                        byte[] body = r.bytes();
                        r.expectEnd();
                        new Frame(MessageType.RESULT, runtime.call(name, body)).writeTo(out);
                    } catch (EnclaveServiceException e) {
                        sendError(out, e.code(), e.getMessage());
                    } catch (MalformedEncodingException e) {
                        sendError(out, "PROTOCOL", e.getMessage());
                    } catch (RuntimeException e) {
                        sendError(
                                out,
                                "INTERNAL",
                                "enclave service failed: " + e.getClass().getSimpleName());
                    }
                }
                default -> sendError(out, "PROTOCOL", "unexpected message " + req.type());
            }
        }
    }

    private static void sendError(OutputStream out, String code, String message) throws IOException {
        String safe = message == null ? "" : message;
        new Frame(MessageType.ERROR, new WireWriter().utf8(code).utf8(safe).toByteArray()).writeTo(out);
    }
}
