import Testing
@testable import JanusCore

@Suite struct PromptTemplateTests {
    @Test func rendersMessagesInOrder() throws {
        let template = try PromptTemplate(name: "t", source: "t.txt", text: "# comment\n[system]\nBe {{tone}}.\n[user]\nQ: {{ question }}\n")
        let messages = try template.render(["tone": "brief", "question": "why?"])
        #expect(messages == [.system("Be brief."), .user("Q: why?")])
    }

    @Test func missingPlaceholderIsAnErrorNamingIt() throws {
        let template = try PromptTemplate(name: "t", source: "t.txt", text: "[user]\n{{instruction}} {{seed_set}}")
        #expect(throws: TemplateError.self) { try template.render(["instruction": "x"]) }
        do {
            _ = try template.render(["instruction": "x"])
        } catch let error as TemplateError {
            #expect(error.message.contains("{{seed_set}}"))
            #expect(error.file == "t.txt")
        }
    }

    @Test func templateWithoutUserSectionIsRejected() {
        #expect(throws: TemplateError.self) { try PromptTemplate(name: "t", source: "t.txt", text: "[system]\nonly") }
    }

    @Test func hashFollowsTheText() throws {
        let a = try PromptTemplate(name: "t", source: "a", text: "[user]\n{{x}}")
        let b = try PromptTemplate(name: "t", source: "b", text: "[user]\n{{x}}!")
        #expect(a.hash != b.hash)
        #expect(a.hash == (try PromptTemplate(name: "u", source: "c", text: "[user]\n{{x}}")).hash)
    }
}
