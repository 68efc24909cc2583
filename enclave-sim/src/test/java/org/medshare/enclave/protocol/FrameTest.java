package org.medshare.enclave.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FrameTest {
    static byte[] encode(Frame f) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        f.writeTo(out);
        return out.toByteArray();
    }

    @Test
    void roundTrips() throws Exception {
        Frame f = new Frame(MessageType.CALL, new byte[] {1, 2, 3});
        Frame g = Frame.readFrom(new ByteArrayInputStream(encode(f)));
        assertEquals(MessageType.CALL, g.type());
        assertArrayEquals(new byte[] {1, 2, 3}, g.payload());
    }

    @Test
    void refusesOtherVersionsUnknownTypesOversizeAndTruncation() throws Exception {
        byte[] good = encode(new Frame(MessageType.CALL, new byte[] {1, 2, 3}));
        byte[] version = good.clone();
        version[5] = 2;
        assertThrows(ProtocolException.class, () -> Frame.readFrom(new ByteArrayInputStream(version)));
        byte[] type = good.clone();
        type[7] = 99;
        assertThrows(ProtocolException.class, () -> Frame.readFrom(new ByteArrayInputStream(type)));
        byte[] huge = good.clone();
        huge[0] = 0x7F;
        assertThrows(ProtocolException.class, () -> Frame.readFrom(new ByteArrayInputStream(huge)));
        byte[] truncated = Arrays.copyOf(good, good.length - 1);
        assertThrows(EOFException.class, () -> Frame.readFrom(new ByteArrayInputStream(truncated)));
    }
}
