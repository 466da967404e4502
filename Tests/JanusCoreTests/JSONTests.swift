import Testing
@testable import JanusCore

@Suite struct JSONTests {
    @Test func roundTripKeepsKeyOrder() throws {
        let text = #"{"b":1,"a":[true,null,"x\n\u00e9"],"c":{"z":1.5}}"#
        let value = try JSONParser.parse(text)
        #expect(value.serialized() == #"{"b":1,"a":[true,null,"x\né"],"c":{"z":1.5}}"#)
    }
}
