package org.medshare.client.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.medshare.client.CliFailure;
import org.medshare.ledger.checkpoint.NoteVerifier;
import org.medshare.ledger.verify.LedgerVerifier;
import org.medshare.ledger.verify.TrustedKeys;
import org.medshare.ledger.verify.VerificationReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code medshare audit verify --ledger DIR --keys FILE... [--quorum N] [--prove INDEX...]}: offline
 * verification of a ledger directory with nothing but the consortium members' checkpoint keys
 * (org.medshare.ledger.verify.LedgerVerifier). Exit 0 when everything verifies; 1 with a one-line
 * reason naming the first bad entry (and its segment) or checkpoint; 2 on a usage error. Registered
 * as the {@code verify} subcommand of {@code medshare audit}.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Verify checkpoint signatures and quorum, every segment byte, roots, consistency"
        + " between checkpoints and inclusion of chosen entries, offline.")
public final class AuditVerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--ledger", required = true, paramLabel = "DIR", description = "ledger directory")
  Path ledger;

  @Option(names = "--keys", required = true, arity = "1..*", paramLabel = "FILE",
      description = "verifier key files (one <name>+<keyid hex>+<base64> per line)")
  List<Path> keys;

  @Option(names = "--quorum", paramLabel = "N",
      description = "distinct member signatures required per checkpoint (default: a majority of the keys)")
  Integer quorum;

  @Option(names = "--prove", arity = "1..*", paramLabel = "INDEX",
      description = "entries whose inclusion proof against the latest checkpoint is built and checked")
  List<Long> prove = new ArrayList<>();

  @Override
  public Integer call() {
    if (!Files.isDirectory(ledger)) {
      throw CliFailure.usage("--ledger " + ledger + " is not a directory");
    }
    Map<String, NoteVerifier> trusted = new LinkedHashMap<>();
    for (Path f : keys) {
      if (!Files.isReadable(f)) {
        throw CliFailure.usage("--keys " + f + " is not readable");
      }
      try {
        for (NoteVerifier v : TrustedKeys.read(f)) {
          trusted.putIfAbsent(v.encode(), v);
        }
      } catch (GeneralSecurityException | IOException e) {
        throw CliFailure.usage("--keys " + f + ": " + e.getMessage());
      }
    }
    int q = quorum == null ? trusted.size() / 2 + 1 : quorum;
    if (q < 1 || q > trusted.size()) {
      throw CliFailure.usage("--quorum must be between 1 and the number of keys (" + trusted.size() + ")");
    }
    VerificationReport report;
    try {
      report = LedgerVerifier.verify(ledger, List.copyOf(trusted.values()), q, prove);
    } catch (IOException e) {
      throw CliFailure.verification("cannot read the ledger: " + e.getMessage());
    }
    if (!report.ok()) {
      throw CliFailure.verification("ledger verification failed: " + report.failure());
    }
    var out = spec.commandLine().getOut();
    out.println(report.summary());
    for (String note : report.notes()) {
      out.println("  " + note);
    }
    out.flush();
    return 0;
  }
}
