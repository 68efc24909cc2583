package org.medshare.client.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.List;
import org.medshare.client.AtomicOutput;
import org.medshare.client.CliFailure;
import org.medshare.client.login.ServiceCommand;
import org.medshare.ledger.checkpoint.MalformedNoteException;
import org.medshare.ledger.checkpoint.NoteVerifier;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code medshare audit checkpoint --out FILE --keys FILE...} (regulator): saves the service's latest signed
 * checkpoint ({@code GET /api/v1/audit/checkpoint}) after checking that it parses and carries a signature from
 * one of the given member keys. The saved note is what {@code medshare audit verify --checkpoint FILE} later
 * holds a ledger copy to: whatever the operator re-signs afterwards, the log must still reproduce this root.
 * The file is written atomically (nothing on any failure); exit 1 when the service refuses or the note does
 * not verify, 2 on a usage error.
 */
@Command(
        name = "checkpoint",
        mixinStandardHelpOptions = true,
        description = "Save the service's latest signed checkpoint, checked against the members' keys, to pin"
                + " the log for later audits (regulator).")
public final class AuditCheckpointCommand extends ServiceCommand {
    @Option(names = "--out", required = true, paramLabel = "FILE", description = "file to write the signed note to")
    Path out;

    @Option(
            names = "--keys",
            required = true,
            arity = "1..*",
            paramLabel = "FILE",
            description = "verifier key files of the consortium members (one <name>+<keyid hex>+<base64> per line)")
    List<Path> keys;

    @Override
    public Integer call() throws IOException {
        List<NoteVerifier> trusted = MemberKeys.read(keys);
        String note = ask(service -> service.get("/api/v1/audit/checkpoint").text());
        SignedCheckpoint checkpoint;
        try {
            checkpoint = SignedCheckpoint.parse(note, 32);
            checkpoint.verify(trusted);
        } catch (MalformedNoteException | GeneralSecurityException e) {
            throw CliFailure.verification("the service's checkpoint does not verify: " + e.getMessage());
        }
        AtomicOutput.write(out, note.getBytes(StandardCharsets.UTF_8), false);
        out().println("saved checkpoint " + checkpoint.checkpoint().origin() + " size "
                + checkpoint.checkpoint().size() + " root "
                + HexFormat.of().formatHex(checkpoint.checkpoint().rootHash()) + " to " + out);
        return 0;
    }
}
