package org.medshare.enclave;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.medshare.enclave.keyrelease.KeyAuthorityService;
import org.medshare.enclave.protocol.Frame;
import org.medshare.enclave.protocol.MessageType;
import org.medshare.enclave.seal.PlatformSecret;

class EnclaveServerTest {
    static EnclaveServer server() {
        return new EnclaveServer(
                "srv-test",
                TcbLevel.UP_TO_DATE,
                () -> PlatformSecret.generate(new SecureRandom()),
                CodeSet::ofRunningEnclave,
                Clock.systemUTC());
    }

    static byte[] frames(Frame... fs) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Frame f : fs) {
            f.writeTo(out);
        }
        return out.toByteArray();
    }

    static Frame[] run(byte[] input, int expectedRc) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(expectedRc, server().serve(new ByteArrayInputStream(input), out));
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
        Frame hello = Frame.readFrom(in);
        assertEquals(MessageType.HELLO, hello.type());
        assertTrue(new WireReader(hello.payload()).utf8().contains("SIMULATED"));
        return new Frame[] {hello, in.available() > 0 ? Frame.readFrom(in) : null};
    }

    static String errorCode(Frame f) throws Exception {
        assertEquals(MessageType.ERROR, f.type());
        return new WireReader(f.payload()).utf8();
    }

    @Test
    void refusesARequestBeforeInit() throws Exception {
        Frame[] out = run(frames(new Frame(MessageType.CALL, new byte[0])), 4);
        assertEquals("PROTOCOL", errorCode(out[1]));
    }

    @Test
    void refusesToLaunchWithAGarbageInit() throws Exception {
        Frame[] out = run(frames(new Frame(MessageType.INIT, new byte[] {0, 0, 0, 1, 9})), 3);
        assertEquals("LAUNCH_REFUSED", errorCode(out[1]));
    }

    /** A service that lives on the test classpath, outside the measured code. */
    static final class UnmeasuredService implements EnclaveService {
        @Override
        public String name() {
            return "unmeasured";
        }

        @Override
        public byte[] call(byte[] request, EnclaveContext context) {
            return request;
        }
    }

    @Test
    void onlyMeasuredServicesMayRunInTheEnclave() throws Exception {
        CodeSet code = CodeSet.ofRunningEnclave();
        EnclaveServer.requireMeasured(KeyAuthorityService.class, code);
        assertTrue(code.covers(EnclaveServer.class));
        Assertions.assertThrows(
                EnclaveLaunchException.class, () -> EnclaveServer.requireMeasured(UnmeasuredService.class, code));
        assertTrue(EnclaveServer.discoverServices(code).stream()
                .map(EnclaveService::name)
                .toList()
                .containsAll(List.of("enclave.identity", "keyauthority", "keyrequester")));
    }

    @Test
    void endOfInputBeforeInitIsAQuietExit() throws Exception {
        Frame[] out = run(new byte[0], 0);
        assertEquals(null, out[1]);
    }
}
