import Domain
import Testing

struct SchemeTests {
    @Test func theSchemesAreTheEightOfTheBrief() {
        #expect(Scheme.allCases.map(\.rawValue) == ["110", "120", "170", "210", "310", "390", "410", "510"])
        #expect(Scheme.allCodes == "110,120,170,210,310,390,410,510")
    }

    @Test(arguments: Scheme.allCases)
    func onlyTheResidentsSchemesAreNotEmployeeSchemes(scheme: Scheme) {
        #expect(scheme.isEmployeeScheme == !["170", "390"].contains(scheme.rawValue))
    }

    @Test func conflictsAreThePensionAndMedicalPairs() {
        let pairs = Set(
            Scheme.allCases.flatMap { scheme in scheme.conflicting.map { [scheme.rawValue, $0.rawValue].sorted() } }
        )
        #expect(pairs == [["110", "170"], ["120", "170"], ["310", "390"]])
        #expect(Scheme.enterprisePension.conflicting == [.residentPension])
        #expect(Scheme.residentPension.conflicting == [.enterprisePension, .publicInstitutionPension])
        #expect(Scheme.unemployment.conflicting.isEmpty)
    }

    @Test(arguments: Scheme.allCases)
    func conflictsGoBothWays(scheme: Scheme) {
        for other in scheme.conflicting {
            #expect(other.conflicting.contains(scheme))
            #expect(other.isEmployeeScheme != scheme.isEmployeeScheme)
        }
    }

    @Test func namesAreDistinctInBothLanguages() {
        #expect(Set(Scheme.allCases.map(\.nameZh)).count == 8)
        #expect(Set(Scheme.allCases.map(\.nameEn)).count == 8)
        #expect(Scheme.enterprisePension.nameZh == "企业职工基本养老保险")
        #expect(Scheme.residentMedical.nameZh == "城乡居民基本医疗保险")
        #expect(Scheme.workInjury.name(.zh) == "工伤保险")
        #expect(Scheme.workInjury.name(.en) == "work injury insurance")
    }

    @Test func unknownCodesAreNoScheme() {
        #expect(Scheme(rawValue: "320") == nil)
        #expect(Scheme(rawValue: " 110") == nil)
        #expect(Scheme(rawValue: "110") == .enterprisePension)
    }
}
