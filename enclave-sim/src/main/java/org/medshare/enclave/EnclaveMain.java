package org.medshare.enclave;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import org.medshare.enclave.seal.PlatformSecret;

/**
 * Entry point of the enclave process, started by {@code org.medshare.enclave.host.EnclaveHost}
 * with the host's java executable and classpath. Speaks the protocol on stdin/stdout; stdout
 * carries frames only (anything printed through {@link System#out} goes to stderr instead).
 *
 * <p>Arguments: {@code --platform-id ID --platform-secret FILE [--tcb UP_TO_DATE|...]}. These
 * describe the simulated machine and are not measured; everything measured arrives in INIT.
 */
public final class EnclaveMain {
    private EnclaveMain() {}

    public static void main(String[] args) throws IOException {
        String platformId = null;
        Path secretFile = null;
        TcbLevel tcb = TcbLevel.UP_TO_DATE;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                usage("missing value for " + a);
            }
            switch (a) {
                case "--platform-id" -> platformId = args[++i];
                case "--platform-secret" -> secretFile = Path.of(args[++i]);
                case "--tcb" -> tcb = TcbLevel.valueOf(args[++i]);
                default -> usage("unknown argument " + a);
            }
        }
        if (platformId == null || secretFile == null) {
            usage("--platform-id and --platform-secret are required");
        }
        OutputStream frames = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
        System.err.println(EnclaveServer.BANNER);
        Path secret = secretFile;
        int rc = new EnclaveServer(
                        platformId,
                        tcb,
                        () -> {
                            try {
                                return PlatformSecret.loadOrCreate(secret);
                            } catch (IOException e) {
                                throw new IllegalStateException("cannot read the platform secret file", e);
                            }
                        },
                        CodeSet::ofRunningEnclave,
                        Clock.systemUTC())
                .serve(new BufferedInputStream(new FileInputStream(FileDescriptor.in), 1 << 16), frames);
        frames.flush();
        System.exit(rc);
    }

    private static void usage(String why) {
        System.err.println("enclave-sim: " + why);
        System.err.println("usage: EnclaveMain --platform-id ID --platform-secret FILE [--tcb LEVEL]");
        System.exit(2);
    }
}
