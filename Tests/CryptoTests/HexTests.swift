import Testing
import Crypto

@Suite("Hex")
struct HexTests {
    @Test func encodesLowercase() {
        #expect([UInt8]([0x00, 0x0f, 0xa5, 0xff]).hexString == "000fa5ff")
        #expect([UInt8]().hexString == "")
    }

    @Test func roundTrips() {
        let all = (0...255).map { UInt8($0) }
        #expect(bytes(fromHex: all.hexString) == all)
        #expect(bytes(fromHex: "DEADbeef") == [0xde, 0xad, 0xbe, 0xef])
        #expect(bytes(fromHex: "") == [])
    }

    @Test(arguments: ["0", "abc", "zz", "0x00", "00 11", "g0", "ａａ"])
    func rejectsBadInput(text: String) {
        #expect(bytes(fromHex: text) == nil)
    }
}
