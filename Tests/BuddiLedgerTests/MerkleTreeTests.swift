import BuddiAPI
import BuddiLedger
import Testing

@Suite("Merkle tree")
struct MerkleTreeTests {
    /// Five fields, so that the tree has an odd node to promote; a non-ASCII value.
    static let fields: [(name: String, value: String)] = [
        ("title", "Weekly sync"),
        ("created_at", "2024-05-01T09:30:00Z"),
        ("overview", "Planned the release; Zoë will write notes."),
        ("action_items", #"[{"completed":false,"description":"Ship it"}]"#),
        ("category", "work"),
    ]

    @Test("the root of fixed fields is the golden root, whatever their order")
    func goldenRoot() throws {
        // Computed independently from the encoding documented in MerkleEncoding.swift.
        let golden = "67c6bce35133d3ddccaf35eec498860dc6b4270abd18a1c3ed531ec12aa0b771"
        #expect(try MerkleTree(Self.fields).root == golden)
        #expect(try MerkleTree(Self.fields.reversed()).root == golden)
    }

    @Test("the root of no fields is SHA-256 of no bytes")
    func emptyRoot() throws {
        #expect(try MerkleTree([]).root == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test("a proof of every field verifies, for trees of 1 to 9 fields")
    func proofsVerify() throws {
        for count in 1...9 {
            let tree = try MerkleTree((0..<count).map { (name: "field\($0)", value: "value \($0)") })
            for field in tree.fields.fields {
                let proof = try tree.proof(forField: field.name)
                #expect(proof.field == field)
                #expect(proof.verify(root: tree.root), "field \(field.name) of \(count)")
                #expect(proof.verify(root: tree.root.uppercased()))
            }
        }
    }

    @Test("a proof with a changed value, a changed name, a changed step or another root fails")
    func tamperedProofsFail() throws {
        let tree = try MerkleTree(Self.fields)
        for field in tree.fields.fields {
            let proof = try tree.proof(forField: field.name)
            var changedValue = proof
            changedValue.field.value += " "
            #expect(!changedValue.verify(root: tree.root))
            var changedName = proof
            changedName.field.name = "x" + field.name
            #expect(!changedName.verify(root: tree.root))
            var changedStep = proof
            changedStep.steps[0].siblingIsLeft.toggle()
            #expect(!changedStep.verify(root: tree.root))
        }
        let other = try MerkleTree(Self.fields.map { ($0.name, $0.value + ".") })
        #expect(try !tree.proof(forField: "title").verify(root: other.root))
        #expect(try !tree.proof(forField: "title").verify(root: "not a root"))
    }

    @Test("the encoding separates name from value")
    func lengthPrefixes() throws {
        #expect(try MerkleTree([("ab", "c")]).root != MerkleTree([("a", "bc")]).root)
    }

    @Test("a duplicate field name and a proof of an unknown field are errors that name the field")
    func errors() throws {
        #expect(throws: MerkleError.duplicateField("title")) { try MerkleTree([("title", "a"), ("title", "b")]) }
        #expect(throws: MerkleError.unknownField("missing")) { try MerkleTree(Self.fields).proof(forField: "missing") }
        #expect(MerkleError.unknownField("missing").description.contains("\"missing\""))
    }
}

@Suite("The ledger's canonical values")
struct LedgerValueTests {
    /// Keys out of order (one non-ASCII, after `z` in UTF-8), a control character, a tab, a
    /// whole and a fractional number, null and true.
    static let value: JSONValue = [
        "topics": ["work", "Zoë", "tab\there"], "b": 1, "a": 2.5, "é": true, "z": nil, "ctl": "\u{1}",
    ]

    @Test("a structured value's canonical text and the root over it are the golden ones: nothing outside the ledger can move a root unnoticed")
    func goldenCanonicalForm() throws {
        let text = LedgerValue.canonical(Self.value)
        #expect(text == #"{"a":2.5,"b":1,"ctl":"\u0001","topics":["work","Zoë","tab\there"],"z":null,"é":true}"#)
        // A one-field tree's root is its leaf: SHA-256 of 0x00 ‖ u32 len ‖ name ‖ u32 len ‖ value,
        // computed independently (Python's hashlib) from that text.
        #expect(try MerkleTree([("keywords", text)]).root == "cb738c34e2f420fe28f666ce9b776ae99fd9cb22e0ecc31604161f8d58222075")
    }
}
