/**
 * Checkpoints in the C2SP tlog-checkpoint format, carried as C2SP signed notes: the value type
 * {@link org.medshare.ledger.checkpoint.Checkpoint}, notes and signature lines, injected
 * {@link org.medshare.ledger.checkpoint.CheckpointSigner}s and
 * {@link org.medshare.ledger.checkpoint.NoteVerifier}s (Ed25519 type 0x01 per the spec; SM2 under
 * the spec's 0xff "unassigned type + identifier" rule), and quorum counting of cosignatures.
 */
package org.medshare.ledger.checkpoint;
