package org.medshare.client.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.medshare.client.Medshare;

/** Runs the command line in-process as a user would, capturing exit status, stdout and stderr. */
public final class Cli {
    private Cli() {}

    /** Result of one run. */
    public record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /**
     * {@code medshare login} as {@code user} (password {@code <user>-password}) against {@code fake}, keeping the
     * session in {@code config}; the result of the login run.
     */
    public static Result login(FakeMedshare fake, Path config, String user) {
        return login(fake, config, user, user + "-password");
    }

    /** {@code medshare login} as {@code user} with {@code password} (given on standard input). */
    public static Result login(FakeMedshare fake, Path config, String user, String password) {
        return runWithStdin(
                password + "\n",
                "login",
                "--issuer",
                fake.issuer().toString(),
                "--server",
                fake.base().toString(),
                "--user",
                user,
                "--password-stdin",
                "--config",
                config.toString());
    }

    public static Result run(String... args) {
        return runWithStdin(null, args);
    }

    /** Runs with {@code stdin} as standard input (e.g. a password for --password-stdin). */
    public static synchronized Result runWithStdin(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        InputStream saved = System.in;
        if (stdin != null) {
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        }
        try {
            int code = Medshare.run(
                    args,
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setIn(saved);
        }
    }
}
