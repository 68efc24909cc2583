package org.medshare.systemtests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The packaged {@code medshare} command line ({@code client/target/medshare.jar}) as a separate process. */
final class Cli {
    private final Path jar;
    private final Path config;

    /** @param config the user's configuration directory ({@code MEDSHARE_CONFIG}) */
    Cli(Path jar, Path config) {
        this.jar = jar;
        this.config = config;
    }

    /** The outcome of one command. */
    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\nstdout: " + out + "\nstderr: " + err;
        }
    }

    /** Starts a command without waiting (its output goes to files under the configuration directory). */
    Process start(String stdin, String... args) throws IOException {
        Files.createDirectories(config);
        List<String> cmd = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("MEDSHARE_CONFIG", config.toString());
        pb.redirectOutput(config.resolve("last.out").toFile());
        pb.redirectError(config.resolve("last.err").toFile());
        Process p = pb.start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        return p;
    }

    /** Waits for a started command (at most {@code seconds}) and reads its output. */
    Result finish(Process p, int seconds) throws IOException, InterruptedException {
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("medshare did not finish within " + seconds + " s");
        }
        return new Result(
                p.exitValue(),
                Files.readString(config.resolve("last.out")).strip(),
                Files.readString(config.resolve("last.err")).strip());
    }

    Result run(String stdin, String... args) throws IOException, InterruptedException {
        return finish(start(stdin, args), 300);
    }

    /**
     * {@code user}'s command line in {@code dir}, logged in to {@code server} with the sample realm's password once
     * (a session saved there earlier is reused).
     */
    static Cli loggedIn(Path jar, Path dir, String server, String user) throws IOException, InterruptedException {
        Cli c = new Cli(jar, dir);
        if (!Files.exists(dir.resolve("session.json"))) {
            Result login = c.run(user + "-password\n", "login", "--server", server, "--user", user, "--password-stdin");
            if (login.exit() != 0) {
                throw new IllegalStateException(user + " could not log in: " + login);
            }
        }
        return c;
    }
}
