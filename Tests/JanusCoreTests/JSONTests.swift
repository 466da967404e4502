@testable import JanusCore
@testable import JanusSupport
import Testing

@Suite struct JSONTests {
    @Test func roundTripKeepsKeyOrder() throws {
        let text = #"{"b":1,"a":[true,null,"x\n\u00e9"],"c":{"z":1.5}}"#
        let value = try JSONParser.parse(text)
        #expect(value.serialized() == #"{"b":1,"a":[true,null,"x\né"],"c":{"z":1.5}}"#)
    }

    @Test func numbersPastTheLargestDoubleAreRefused() throws {
        for text in ["1e400", "-1e400", "[1.7976931348623159e308]", #"{"a": 2e308}"#] {
            #expect(throws: JSONParseError.self, "\(text)") { try JSONParser.parse(text) }
        }
        #expect(try JSONParser.parse("1.7976931348623157e308") == .number(.greatestFiniteMagnitude))
        #expect(try JSONParser.parse("1e-400") == .number(0))
    }
}
