import JanusSupport
import JanusStore

/// One instruction with its completed variants, as the exporter receives it.
public struct ExportItem: Sendable {
    public struct Variant: Sendable {
        public var index: Int
        public var preferenceSet: JSONValue
        public var system: String
        public var response: String

        public init(index: Int, preferenceSet: JSONValue, system: String, response: String) {
            self.index = index
            self.preferenceSet = preferenceSet
            self.system = system
            self.response = response
        }
    }

    public var instruction: StoredInstruction
    public var variants: [Variant]
    /// How many variants the run asked for (a DPO pair needs them all).
    public var expectedVariants: Int

    public init(instruction: StoredInstruction, variants: [Variant], expectedVariants: Int) {
        self.instruction = instruction
        self.variants = variants
        self.expectedVariants = expectedVariants
    }
}
