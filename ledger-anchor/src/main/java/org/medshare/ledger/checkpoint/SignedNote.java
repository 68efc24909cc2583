package org.medshare.ledger.checkpoint;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * A note text with one or more signatures (C2SP signed-note): the text (ending in a newline), a
 * blank line, then lines {@code — <key name> base64(key id || signature)}. Immutable. Parsing
 * enforces the spec's limits: valid UTF-8, no control characters except newline, at most
 * {@value #MAX_SIGNATURES} signatures.
 */
public final class SignedNote {
    /** Upper bound on signature lines accepted by {@link #parse} (the spec requires accepting 16). */
    public static final int MAX_SIGNATURES = 64;

    private static final String DASH = "\u2014 ";

    private final String text;
    private final List<NoteSignature> signatures;

    public SignedNote(String text, List<NoteSignature> signatures) {
        if (!text.endsWith("\n")) {
            throw new IllegalArgumentException("note text must end with a newline");
        }
        checkChars(text);
        this.text = text;
        this.signatures = List.copyOf(signatures);
    }

    /** Signs {@code text} with {@code signer}. */
    public static SignedNote sign(String text, CheckpointSigner signer) throws GeneralSecurityException {
        return new SignedNote(text, List.of(signer.sign(text.getBytes(StandardCharsets.UTF_8))));
    }

    public String text() {
        return text;
    }

    public List<NoteSignature> signatures() {
        return signatures;
    }

    /** A copy with {@code extra} signatures added (duplicates of existing lines are dropped). */
    public SignedNote withSignatures(List<NoteSignature> extra) {
        List<NoteSignature> all = new ArrayList<>(signatures);
        for (NoteSignature s : extra) {
            if (!all.contains(s)) {
                all.add(s);
            }
        }
        return new SignedNote(text, all);
    }

    public String format() {
        StringBuilder sb = new StringBuilder(text).append('\n');
        for (NoteSignature s : signatures) {
            sb.append(s.formatLine()).append('\n');
        }
        return sb.toString();
    }

    public static SignedNote parse(String note) throws MalformedNoteException {
        try {
            checkChars(note);
        } catch (IllegalArgumentException e) {
            throw new MalformedNoteException(e.getMessage());
        }
        if (!note.endsWith("\n")) {
            throw new MalformedNoteException("signed note must end with a newline");
        }
        int split = note.lastIndexOf("\n\n");
        if (split < 0) {
            throw new MalformedNoteException("signed note has no blank line before its signatures");
        }
        String text = note.substring(0, split + 1);
        if (split + 2 >= note.length()) {
            throw new MalformedNoteException("signed note has no signatures");
        }
        String[] lines = note.substring(split + 2, note.length() - 1).split("\n", -1);
        if (lines.length == 0 || (lines.length == 1 && lines[0].isEmpty())) {
            throw new MalformedNoteException("signed note has no signatures");
        }
        if (lines.length > MAX_SIGNATURES) {
            throw new MalformedNoteException("too many signatures: " + lines.length);
        }
        List<NoteSignature> sigs = new ArrayList<>();
        for (String line : lines) {
            if (!line.startsWith(DASH)) {
                throw new MalformedNoteException("signature line must start with an em dash and a space");
            }
            String rest = line.substring(DASH.length());
            int sp = rest.indexOf(' ');
            if (sp <= 0 || rest.indexOf(' ', sp + 1) >= 0) {
                throw new MalformedNoteException("signature line must be '— <name> <base64>'");
            }
            String name = rest.substring(0, sp);
            byte[] blob;
            try {
                blob = Base64.getDecoder().decode(rest.substring(sp + 1));
            } catch (IllegalArgumentException e) {
                throw new MalformedNoteException("signature is not base64");
            }
            if (blob.length < 5) {
                throw new MalformedNoteException("signature too short");
            }
            int keyId =
                    ((blob[0] & 0xff) << 24) | ((blob[1] & 0xff) << 16) | ((blob[2] & 0xff) << 8) | (blob[3] & 0xff);
            byte[] sig = Arrays.copyOfRange(blob, 4, blob.length);
            try {
                sigs.add(new NoteSignature(name, keyId, sig));
            } catch (IllegalArgumentException e) {
                throw new MalformedNoteException(e.getMessage());
            }
        }
        return new SignedNote(text, sigs);
    }

    static void checkKeyName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("key name must be non-empty");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '+' || Character.isWhitespace(c) || Character.isSpaceChar(c) || c < 0x20) {
                throw new IllegalArgumentException("key name must not contain spaces or '+'");
            }
        }
    }

    private static void checkChars(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 && c != '\n' || c == 0x7f) {
                throw new IllegalArgumentException("note contains a control character at " + i);
            }
            if (Character.isSurrogate(c)) {
                if (!Character.isHighSurrogate(c)
                        || i + 1 >= s.length()
                        || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    throw new IllegalArgumentException("note is not valid UTF-8");
                }
                i++;
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignedNote n && n.text.equals(text) && n.signatures.equals(signatures);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return format();
    }
}
