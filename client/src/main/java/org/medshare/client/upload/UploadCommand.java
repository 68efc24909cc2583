package org.medshare.client.upload;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.medshare.abe.KeyFormatException;
import org.medshare.abe.Policy;
import org.medshare.abe.PublicParameters;
import org.medshare.abe.Suite;
import org.medshare.client.Arguments;
import org.medshare.client.CliFailure;
import org.medshare.client.authority.TrustedAuthority;
import org.medshare.client.http.ServiceClient;
import org.medshare.client.http.ServiceException;
import org.medshare.client.login.ConfigDir;
import org.medshare.client.login.ServiceCommand;
import org.medshare.client.login.SessionOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code medshare upload} (hospital): encrypts FHIR R4 bundles locally on every core and uploads them over several
 * connections, with a bounded number of prepared uploads in between. Prints one line per file as it finishes (on
 * stdout its record, rows or why it has none, skipped rows and FHIR warnings; on stderr a refusal or an unconfirmed
 * upload with the reason), then a summary line; {@code --report FILE} writes the same per file as JSON.
 * Exit 0 when every bundle is on the service (uploaded now or before), 1 when any was refused or not
 * confirmed (rerun to resume: nothing is duplicated), 2 on a usage error (nothing sent).
 */
@Command(
        name = "upload",
        mixinStandardHelpOptions = true,
        description = {
            "Encrypt FHIR R4 bundles locally and upload them (hospital).",
            "Accepted: any FHIR R4 Bundle (document, collection, transaction, batch, message, searchset, ...), JSON or"
                    + " XML, at most 16711680 bytes (16 MiB - 64 KiB: the service's 16 MiB envelope limit, checked before"
                    + " encrypting). Folders are walked for *.json and *.xml; other files are named as not uploaded.",
            "Analytics rows (enclave-sim/ROWS.md) come from Claims and Encounters; a bundle without them is stored and"
                    + " shared but not used in statistics. A bundle with the Bundle.identifier (or document Composition"
                    + " identifier) of an earlier upload becomes a new version of that record.",
            "Needs the consortium's pseudonym key (--pseudonym-key, or CONFIG/pseudonym.key); one hospital creates it"
                    + " once with `medshare pseudonym-key create`."
        },
        footer = {
            "",
            "Example:",
            "  medshare upload --pseudonym-key consortium.key \\",
            "      --policy 'org:hospital-a@2026Q4 OR purpose:insurance-stats@2026Q4' --report upload.json sample-data/fhir/hospital-a",
            "Policies: attributes key:value combined with AND, OR, parentheses and 'K of (A, B, C)'."
        })
public final class UploadCommand extends ServiceCommand {
    @Option(names = "--policy", required = true, paramLabel = "EXPR", description = "ABE access policy of the records")
    String policy;

    @Option(
            names = "--tag",
            paramLabel = "NAME=VALUE",
            description = "coarse tag disclosed to the service (repeatable)")
    List<String> tagArgs = new ArrayList<>();

    @Option(names = "--suite", paramLabel = "nist|gm", description = "symmetric suite (default: the authority's)")
    String suite;

    @Option(
            names = "--concurrency",
            paramLabel = "N",
            defaultValue = "8",
            description = "parallel uploads; encryption uses one thread per core (default: ${DEFAULT-VALUE})")
    int concurrency;

    @Option(
            names = "--pseudonym-key",
            paramLabel = "FILE",
            description = "consortium pseudonym key, 32 bytes (default: CONFIG/pseudonym.key)")
    Path pseudonymKey;

    @Option(
            names = "--params",
            paramLabel = "FILE",
            description = "the authority's public parameters from a file (default: fetched from the service)")
    Path paramsFile;

    @Option(
            names = "--authority-trust",
            paramLabel = "FILE",
            description =
                    "the key authority's trust anchor; fetched parameters are used only if its quote and signature"
                            + " verify against it (default: CONFIG/authority.trust)")
    Path authorityTrust;

    @Option(
            names = "--summary",
            paramLabel = "counts|types|none",
            defaultValue = "counts",
            description =
                    "resource summary disclosed for search: entry types with coarse counts (1, 2-9, 10-99, 100+), "
                            + "types only, or none (default: ${DEFAULT-VALUE})")
    String summary;

    @Option(names = "--report", paramLabel = "FILE", description = "also write every file's outcome as JSON to FILE")
    Path report;

    @Option(names = "--no-progress", description = "never draw the progress bar")
    boolean noProgress;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "bundle files or folders")
    List<Path> paths;

    @Override
    public Integer call() throws IOException {
        Policy parsed = Arguments.policy(policy);
        if (concurrency < 1 || concurrency > 64) {
            throw CliFailure.usage("--concurrency must be within 1..64");
        }
        Map<String, String> tags = parseTags(tagArgs);
        Suite explicit = suite == null ? null : Arguments.suite(suite);
        ResourceSummary.Level summaryLevel;
        try {
            summaryLevel = ResourceSummary.Level.parse(summary);
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage(e.getMessage());
        }
        if (report != null
                && (report.toAbsolutePath().getParent() == null
                        || !Files.isDirectory(report.toAbsolutePath().getParent())
                        || Files.isDirectory(report))) {
            throw CliFailure.usage("--report " + report + ": not a file in an existing folder");
        }
        BundleFiles found = BundleFiles.collect(paths);
        List<Path> files = found.files();
        ServiceClient service = client();
        PrintWriter out = out();
        PrintWriter err = spec.commandLine().getErr();
        Path config = ConfigDir.ensure(session.configDir());

        HospitalKeys keys;
        PublicParameters params;
        try {
            keys = HospitalKeys.open(config, service, pseudonymKey);
            params = paramsFile != null
                    ? PublicParameters.parse(readParams(paramsFile))
                    : TrustedAuthority.load(authorityTrust, config).parameters(service);
        } catch (ServiceException e) {
            throw SessionOptions.refused(e);
        } catch (KeyFormatException e) {
            throw CliFailure.verification(
                    (paramsFile != null ? paramsFile + ": public parameters" : "the service's public parameters")
                            + " do not parse: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw CliFailure.verification("the hospital signing key in " + config + " is unusable");
        }
        Path spool = ConfigDir.ensure(ConfigDir.ensure(config.resolve("spool")).resolve(keys.organisation()));
        removeTemporaries(spool);
        RecordUploader uploader;
        try {
            uploader = new RecordUploader(
                    service,
                    new UploadPreparer(
                            keys,
                            params,
                            explicit == null ? params.defaultSuite() : explicit,
                            policy,
                            parsed,
                            new TreeMap<>(tags),
                            summaryLevel),
                    spool);
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage(e.getMessage());
        }

        for (Path ignored : found.ignored()) {
            err.println("medshare: not uploaded " + ignored.getFileName() + ": not a *.json or *.xml file");
        }
        out.println("uploading " + files.size() + " bundle file" + (files.size() == 1 ? "" : "s") + " as "
                + keys.organisation() + " (one line per file as it finishes)");
        out.flush();
        ProgressBar bar = new ProgressBar(err, files.size(), !noProgress && System.console() != null);
        long start = System.nanoTime();
        List<Outcome> outcomes = run(uploader, files, bar, out);
        double seconds = (System.nanoTime() - start) / 1e9;
        String summaryLine = summary(outcomes, seconds);
        out.println(summaryLine);
        if (report != null) {
            UploadReport.write(report, outcomes, found.ignored(), summaryLine);
        }
        long bad = outcomes.stream()
                .filter(o -> o.kind() == Outcome.Kind.REFUSED || o.kind() == Outcome.Kind.FAILED)
                .count();
        if (bad > 0) {
            throw CliFailure.verification(bad + " of " + files.size() + " bundles were not uploaded (see above)"
                    + (outcomes.stream().anyMatch(o -> o.kind() == Outcome.Kind.FAILED)
                            ? "; run the same command again to resume"
                            : ""));
        }
        return 0;
    }

    /**
     * A two-stage pipeline: encryption on one thread per core (at most {@code --concurrency}), sending on
     * {@code --concurrency} threads, and at most {@code 2 × --concurrency} prepared uploads waiting between
     * the stages (bounded memory; each is also spooled on disk until the service answers).
     */
    private List<Outcome> run(RecordUploader uploader, List<Path> files, ProgressBar bar, PrintWriter out) {
        ExecutorService preparing = pool(encryptThreads(), "medshare-encrypt");
        ExecutorService sending = pool(concurrency, "medshare-upload");
        Semaphore waiting = new Semaphore(2 * concurrency);
        try {
            List<CompletableFuture<Outcome>> futures = new ArrayList<>();
            for (Path f : files) {
                futures.add(CompletableFuture.supplyAsync(
                                () -> {
                                    waiting.acquireUninterruptibly();
                                    try {
                                        return uploader.prepare(f);
                                    } catch (RuntimeException e) {
                                        waiting.release();
                                        throw e;
                                    }
                                },
                                preparing)
                        .thenApplyAsync(
                                step -> {
                                    try {
                                        return step.done() != null ? step.done() : uploader.send(step);
                                    } finally {
                                        waiting.release();
                                    }
                                },
                                sending)
                        .thenApply(o -> {
                            if (o.kind() == Outcome.Kind.REFUSED || o.kind() == Outcome.Kind.FAILED) {
                                bar.message("medshare: "
                                        + (o.kind() == Outcome.Kind.REFUSED ? "refused " : "not confirmed ")
                                        + f.getFileName() + ": " + o.reason());
                            } else {
                                bar.print(out, OutcomeLine.of(o));
                            }
                            bar.step(o);
                            return o;
                        }));
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> fu : futures) {
                try {
                    outcomes.add(fu.get());
                } catch (ExecutionException e) {
                    throw new IllegalStateException("upload worker failed", e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw CliFailure.verification("interrupted; run the same command again to resume");
                }
            }
            return outcomes;
        } finally {
            preparing.shutdownNow();
            sending.shutdownNow();
        }
    }

    private int encryptThreads() {
        return Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), concurrency));
    }

    private static ExecutorService pool(int threads, String name) {
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    private String summary(List<Outcome> outcomes, double seconds) {
        Map<Outcome.Kind, Integer> counts = new EnumMap<>(Outcome.Kind.class);
        for (Outcome.Kind k : Outcome.Kind.values()) {
            counts.put(k, 0);
        }
        long encNanos = 0;
        long sendNanos = 0;
        int encrypted = 0;
        int withoutRows = 0;
        int skippedRows = 0;
        int warnings = 0;
        for (Outcome o : outcomes) {
            counts.merge(o.kind(), 1, Integer::sum);
            if (o.encryptNanos() > 0) {
                encrypted++;
                encNanos += o.encryptNanos();
            }
            sendNanos += o.sendNanos();
            if (o.stored() != null && o.stored().analyticsRows() == 0) {
                withoutRows++;
            }
            if (o.content() != null) {
                skippedRows += o.content().skipped().size();
                warnings += o.content().warningCount();
            }
        }
        int done = counts.get(Outcome.Kind.UPLOADED) + counts.get(Outcome.Kind.ALREADY_UPLOADED);
        StringBuilder s = new StringBuilder(String.format(
                Locale.ROOT,
                "uploaded %d, already uploaded %d, refused %d, not confirmed %d of %d bundles in %.2f s (%.1f records/s)",
                counts.get(Outcome.Kind.UPLOADED),
                counts.get(Outcome.Kind.ALREADY_UPLOADED),
                counts.get(Outcome.Kind.REFUSED),
                counts.get(Outcome.Kind.FAILED),
                outcomes.size(),
                seconds,
                seconds > 0 ? done / seconds : 0.0));
        s.append(String.format(
                Locale.ROOT,
                "; %d stored without analytics rows, %d rows skipped, %d FHIR warnings",
                withoutRows,
                skippedRows,
                warnings));
        if (encrypted > 0) {
            s.append(String.format(
                    Locale.ROOT,
                    "; client encryption %.1f ms/record (%.1f records/s on %d threads), server answer %.1f ms/record",
                    encNanos / 1e6 / encrypted,
                    encrypted / (encNanos / 1e9 / encryptThreads()),
                    encryptThreads(),
                    sendNanos / 1e6 / encrypted));
        }
        return s.toString();
    }

    private static byte[] readParams(Path p) throws IOException {
        if (!Files.isRegularFile(p) || Files.size(p) > (1 << 20)) {
            throw CliFailure.usage("--params " + p + " is not a readable public parameters file");
        }
        return Files.readAllBytes(p);
    }

    static Map<String, String> parseTags(List<String> args) {
        Map<String, String> tags = new TreeMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0 || eq == a.length() - 1) {
                throw CliFailure.usage("--tag must be NAME=VALUE, got " + a);
            }
            if (tags.put(a.substring(0, eq), a.substring(eq + 1)) != null) {
                throw CliFailure.usage("--tag " + a.substring(0, eq) + " given twice");
            }
        }
        return tags;
    }

    private static void removeTemporaries(Path spool) throws IOException {
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(spool, ".*.part")) {
            for (Path p : parts) {
                Files.deleteIfExists(p);
            }
        }
    }
}
