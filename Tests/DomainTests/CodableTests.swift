import Domain
import Foundation
import Testing

struct CodableTests {
    @Test func aDateIsAnISOString() throws {
        let date = try #require(CalendarDate(iso: "2024-02-29"))
        let json = try JSONEncoder().encode([date])
        #expect(String(decoding: json, as: UTF8.self) == #"["2024-02-29"]"#)
        #expect(try JSONDecoder().decode([CalendarDate].self, from: json) == [date])
    }

    @Test(arguments: [#"["2023-02-29"]"#, #"["2024-2-29"]"#, "[20240229]"])
    func anImpossibleOrMisspelledDateDoesNotDecode(json: String) {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([CalendarDate].self, from: Data(json.utf8)) }
    }

    @Test func aPeriodIsAnInteger() throws {
        let period = try #require(Period(202_406))
        let json = try JSONEncoder().encode([period])
        #expect(String(decoding: json, as: UTF8.self) == "[202406]")
        #expect(try JSONDecoder().decode([Period].self, from: json) == [period])
    }

    @Test(arguments: ["[202413]", #"["202406"]"#, "[189912]"])
    func anInvalidPeriodDoesNotDecode(json: String) {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Period].self, from: Data(json.utf8)) }
    }

    @Test func schemesGendersAndClampsAreTheirRawValues() throws {
        let json = try JSONEncoder().encode([Scheme.workInjury.rawValue, Gender.female.rawValue])
        #expect(String(decoding: json, as: UTF8.self) == #"["410","female"]"#)
        #expect(try JSONDecoder().decode([Scheme].self, from: Data(#"["390"]"#.utf8)) == [.residentMedical])
        #expect(try JSONDecoder().decode([ContributionAmounts.Clamp].self, from: Data(#"["floor"]"#.utf8)) == [.floor])
    }

    @Test func aPayloadDecodesFromTheAPIsJSON() throws {
        let json = #"""
            {"name":"张三","citizenId":"110105199003071239","householdType":"urban",
             "enrolments":[{"schemeCode":"110","employerId":7,"startPeriod":202506,"declaredWageFen":1200000}]}
            """#
        let payload = try JSONDecoder().decode(PersonRegistration.self, from: Data(json.utf8))
        #expect(
            payload
                == PersonRegistration(
                    name: "张三",
                    citizenId: "110105199003071239",
                    householdType: "urban",
                    enrolments: [
                        EnrolmentLine(
                            schemeCode: "110",
                            employerId: 7,
                            startPeriod: 202_506,
                            declaredWageFen: 1_200_000
                        )
                    ]
                )
        )
    }
}
