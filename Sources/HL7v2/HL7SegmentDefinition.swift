// Segment and field names with their data types, HL7 v2.5.1: chapter 2 (MSH, MSA, ERR, NTE, SFT), chapter 3
// (EVN, PID, PD1, NK1, PV1, PV2, AL1, DG1, MRG), chapter 4 (ORC, OBR, TQ1), chapter 7 (OBX) and chapter 9 (TXA).
// Facts of the standard, used to label a parsed message for operators; a segment or field not listed here is shown
// by its position alone.

/// What one field of a segment is: its name and data type in the standard.
public struct HL7FieldDefinition: Sendable, Hashable {
    /// The field's name (`Patient Name`).
    public var name: String
    /// Its data type (`XPN`), `varies` for OBX-5.
    public var dataType: String

    /// Creates a definition.
    public init(name: String, dataType: String) {
        self.name = name
        self.dataType = dataType
    }
}

/// What a segment is: its name and the definitions of its fields, in order (element 0 is field 1).
public struct HL7SegmentDefinition: Sendable, Hashable {
    /// The segment id (`PID`).
    public var id: String
    /// The segment's name (`Patient Identification`).
    public var name: String
    /// The fields, in order.
    public var fields: [HL7FieldDefinition]

    /// The definition of field `number` (1-based), or `nil` past the last one listed.
    public func field(_ number: Int) -> HL7FieldDefinition? {
        guard number >= 1, number <= fields.count else { return nil }
        return fields[number - 1]
    }

    /// The definition of segment `id`, or `nil` when the table does not list it (Z segments, rarer segments).
    public static func named(_ id: String) -> HL7SegmentDefinition? {
        table[id]
    }

    /// The segment ids the table lists.
    public static var knownSegments: [String] { table.keys.sorted() }

    private init(_ id: String, _ name: String, _ fields: [(String, String)]) {
        self.id = id
        self.name = name
        self.fields = fields.map { HL7FieldDefinition(name: $0.0, dataType: $0.1) }
    }

    private static let table: [String: HL7SegmentDefinition] = Dictionary(
        uniqueKeysWithValues: definitions.map { ($0.id, $0) })

    private static let definitions: [HL7SegmentDefinition] = [
        HL7SegmentDefinition(
            "MSH", "Message Header",
            [
                ("Field Separator", "ST"), ("Encoding Characters", "ST"), ("Sending Application", "HD"),
                ("Sending Facility", "HD"), ("Receiving Application", "HD"), ("Receiving Facility", "HD"),
                ("Date/Time of Message", "TS"), ("Security", "ST"), ("Message Type", "MSG"),
                ("Message Control ID", "ST"), ("Processing ID", "PT"), ("Version ID", "VID"),
                ("Sequence Number", "NM"), ("Continuation Pointer", "ST"), ("Accept Acknowledgment Type", "ID"),
                ("Application Acknowledgment Type", "ID"), ("Country Code", "ID"), ("Character Set", "ID"),
                ("Principal Language of Message", "CE"), ("Alternate Character Set Handling Scheme", "ID"),
                ("Message Profile Identifier", "EI"),
            ]),
        HL7SegmentDefinition(
            "SFT", "Software Segment",
            [
                ("Software Vendor Organization", "XON"), ("Software Certified Version or Release Number", "ST"),
                ("Software Product Name", "ST"), ("Software Binary ID", "ST"), ("Software Product Information", "TX"),
                ("Software Install Date", "TS"),
            ]),
        HL7SegmentDefinition(
            "MSA", "Message Acknowledgment",
            [
                ("Acknowledgment Code", "ID"), ("Message Control ID", "ST"), ("Text Message", "ST"),
                ("Expected Sequence Number", "NM"), ("Delayed Acknowledgment Type", "ID"), ("Error Condition", "CE"),
            ]),
        HL7SegmentDefinition(
            "ERR", "Error",
            [
                ("Error Code and Location", "ELD"), ("Error Location", "ERL"), ("HL7 Error Code", "CWE"),
                ("Severity", "ID"), ("Application Error Code", "CWE"), ("Application Error Parameter", "ST"),
                ("Diagnostic Information", "TX"), ("User Message", "TX"), ("Inform Person Indicator", "IS"),
                ("Override Type", "CWE"), ("Override Reason Code", "CWE"), ("Help Desk Contact Point", "XTN"),
            ]),
        HL7SegmentDefinition(
            "NTE", "Notes and Comments",
            [("Set ID - NTE", "SI"), ("Source of Comment", "ID"), ("Comment", "FT"), ("Comment Type", "CE")]),
        HL7SegmentDefinition(
            "EVN", "Event Type",
            [
                ("Event Type Code", "ID"), ("Recorded Date/Time", "TS"), ("Date/Time Planned Event", "TS"),
                ("Event Reason Code", "IS"), ("Operator ID", "XCN"), ("Event Occurred", "TS"),
                ("Event Facility", "HD"),
            ]),
        HL7SegmentDefinition(
            "PID", "Patient Identification",
            [
                ("Set ID - PID", "SI"), ("Patient ID", "CX"), ("Patient Identifier List", "CX"),
                ("Alternate Patient ID - PID", "CX"), ("Patient Name", "XPN"), ("Mother's Maiden Name", "XPN"),
                ("Date/Time of Birth", "TS"), ("Administrative Sex", "IS"), ("Patient Alias", "XPN"),
                ("Race", "CE"), ("Patient Address", "XAD"), ("County Code", "IS"), ("Phone Number - Home", "XTN"),
                ("Phone Number - Business", "XTN"), ("Primary Language", "CE"), ("Marital Status", "CE"),
                ("Religion", "CE"), ("Patient Account Number", "CX"), ("SSN Number - Patient", "ST"),
                ("Driver's License Number - Patient", "DLN"), ("Mother's Identifier", "CX"),
                ("Ethnic Group", "CE"), ("Birth Place", "ST"), ("Multiple Birth Indicator", "ID"),
                ("Birth Order", "NM"), ("Citizenship", "CE"), ("Veterans Military Status", "CE"),
                ("Nationality", "CE"), ("Patient Death Date and Time", "TS"), ("Patient Death Indicator", "ID"),
                ("Identity Unknown Indicator", "ID"), ("Identity Reliability Code", "IS"),
                ("Last Update Date/Time", "TS"), ("Last Update Facility", "HD"), ("Species Code", "CE"),
                ("Breed Code", "CE"), ("Strain", "ST"), ("Production Class Code", "CE"),
                ("Tribal Citizenship", "CWE"),
            ]),
        HL7SegmentDefinition(
            "PD1", "Patient Additional Demographic",
            [
                ("Living Dependency", "IS"), ("Living Arrangement", "IS"), ("Patient Primary Facility", "XON"),
                ("Patient Primary Care Provider Name & ID No.", "XCN"), ("Student Indicator", "IS"),
                ("Handicap", "IS"), ("Living Will Code", "IS"), ("Organ Donor Code", "IS"),
                ("Separate Bill", "ID"), ("Duplicate Patient", "CX"), ("Publicity Code", "CE"),
                ("Protection Indicator", "ID"),
            ]),
        HL7SegmentDefinition(
            "NK1", "Next of Kin / Associated Parties",
            [
                ("Set ID - NK1", "SI"), ("Name", "XPN"), ("Relationship", "CE"), ("Address", "XAD"),
                ("Phone Number", "XTN"), ("Business Phone Number", "XTN"), ("Contact Role", "CE"),
            ]),
        HL7SegmentDefinition(
            "PV1", "Patient Visit",
            [
                ("Set ID - PV1", "SI"), ("Patient Class", "IS"), ("Assigned Patient Location", "PL"),
                ("Admission Type", "IS"), ("Preadmit Number", "CX"), ("Prior Patient Location", "PL"),
                ("Attending Doctor", "XCN"), ("Referring Doctor", "XCN"), ("Consulting Doctor", "XCN"),
                ("Hospital Service", "IS"), ("Temporary Location", "PL"), ("Preadmit Test Indicator", "IS"),
                ("Re-admission Indicator", "IS"), ("Admit Source", "IS"), ("Ambulatory Status", "IS"),
                ("VIP Indicator", "IS"), ("Admitting Doctor", "XCN"), ("Patient Type", "IS"),
                ("Visit Number", "CX"), ("Financial Class", "FC"), ("Charge Price Indicator", "IS"),
                ("Courtesy Code", "IS"), ("Credit Rating", "IS"), ("Contract Code", "IS"),
                ("Contract Effective Date", "DT"), ("Contract Amount", "NM"), ("Contract Period", "NM"),
                ("Interest Code", "IS"), ("Transfer to Bad Debt Code", "IS"), ("Transfer to Bad Debt Date", "DT"),
                ("Bad Debt Agency Code", "IS"), ("Bad Debt Transfer Amount", "NM"),
                ("Bad Debt Recovery Amount", "NM"), ("Delete Account Indicator", "IS"),
                ("Delete Account Date", "DT"), ("Discharge Disposition", "IS"), ("Discharged to Location", "DLD"),
                ("Diet Type", "CE"), ("Servicing Facility", "IS"), ("Bed Status", "IS"), ("Account Status", "IS"),
                ("Pending Location", "PL"), ("Prior Temporary Location", "PL"), ("Admit Date/Time", "TS"),
                ("Discharge Date/Time", "TS"), ("Current Patient Balance", "NM"), ("Total Charges", "NM"),
                ("Total Adjustments", "NM"), ("Total Payments", "NM"), ("Alternate Visit ID", "CX"),
                ("Visit Indicator", "IS"), ("Other Healthcare Provider", "XCN"),
            ]),
        HL7SegmentDefinition(
            "PV2", "Patient Visit - Additional Information",
            [
                ("Prior Pending Location", "PL"), ("Accommodation Code", "CE"), ("Admit Reason", "CE"),
                ("Transfer Reason", "CE"), ("Patient Valuables", "ST"), ("Patient Valuables Location", "ST"),
                ("Visit User Code", "IS"), ("Expected Admit Date/Time", "TS"),
                ("Expected Discharge Date/Time", "TS"),
            ]),
        HL7SegmentDefinition(
            "AL1", "Patient Allergy Information",
            [
                ("Set ID - AL1", "SI"), ("Allergen Type Code", "CE"), ("Allergen Code/Mnemonic/Description", "CE"),
                ("Allergy Severity Code", "CE"), ("Allergy Reaction Code", "ST"), ("Identification Date", "DT"),
            ]),
        HL7SegmentDefinition(
            "DG1", "Diagnosis",
            [
                ("Set ID - DG1", "SI"), ("Diagnosis Coding Method", "ID"), ("Diagnosis Code - DG1", "CE"),
                ("Diagnosis Description", "ST"), ("Diagnosis Date/Time", "TS"), ("Diagnosis Type", "IS"),
            ]),
        HL7SegmentDefinition(
            "MRG", "Merge Patient Information",
            [
                ("Prior Patient Identifier List", "CX"), ("Prior Alternate Patient ID", "CX"),
                ("Prior Patient Account Number", "CX"), ("Prior Patient ID", "CX"), ("Prior Visit Number", "CX"),
                ("Prior Alternate Visit ID", "CX"), ("Prior Patient Name", "XPN"),
            ]),
        HL7SegmentDefinition(
            "ORC", "Common Order",
            [
                ("Order Control", "ID"), ("Placer Order Number", "EI"), ("Filler Order Number", "EI"),
                ("Placer Group Number", "EI"), ("Order Status", "ID"), ("Response Flag", "ID"),
                ("Quantity/Timing", "TQ"), ("Parent", "EIP"), ("Date/Time of Transaction", "TS"),
                ("Entered By", "XCN"), ("Verified By", "XCN"), ("Ordering Provider", "XCN"),
            ]),
        HL7SegmentDefinition(
            "TQ1", "Timing/Quantity",
            [
                ("Set ID - TQ1", "SI"), ("Quantity", "CQ"), ("Repeat Pattern", "RPT"), ("Explicit Time", "TM"),
                ("Relative Time and Units", "CQ"), ("Service Duration", "CQ"), ("Start date/time", "TS"),
                ("End date/time", "TS"), ("Priority", "CWE"),
            ]),
        HL7SegmentDefinition(
            "OBR", "Observation Request",
            [
                ("Set ID - OBR", "SI"), ("Placer Order Number", "EI"), ("Filler Order Number", "EI"),
                ("Universal Service Identifier", "CE"), ("Priority - OBR", "ID"), ("Requested Date/Time", "TS"),
                ("Observation Date/Time", "TS"), ("Observation End Date/Time", "TS"), ("Collection Volume", "CQ"),
                ("Collector Identifier", "XCN"), ("Specimen Action Code", "ID"), ("Danger Code", "CE"),
                ("Relevant Clinical Information", "ST"), ("Specimen Received Date/Time", "TS"),
                ("Specimen Source", "SPS"), ("Ordering Provider", "XCN"), ("Order Callback Phone Number", "XTN"),
                ("Placer Field 1", "ST"), ("Placer Field 2", "ST"), ("Filler Field 1", "ST"),
                ("Filler Field 2", "ST"), ("Results Rpt/Status Chng - Date/Time", "TS"),
                ("Charge to Practice", "MOC"), ("Diagnostic Serv Sect ID", "ID"), ("Result Status", "ID"),
                ("Parent Result", "PRL"), ("Quantity/Timing", "TQ"), ("Result Copies To", "XCN"),
                ("Parent", "EIP"), ("Transportation Mode", "ID"), ("Reason for Study", "CE"),
                ("Principal Result Interpreter", "NDL"), ("Assistant Result Interpreter", "NDL"),
                ("Technician", "NDL"), ("Transcriptionist", "NDL"), ("Scheduled Date/Time", "TS"),
            ]),
        HL7SegmentDefinition(
            "OBX", "Observation/Result",
            [
                ("Set ID - OBX", "SI"), ("Value Type", "ID"), ("Observation Identifier", "CE"),
                ("Observation Sub-ID", "ST"), ("Observation Value", "varies"), ("Units", "CE"),
                ("References Range", "ST"), ("Abnormal Flags", "IS"), ("Probability", "NM"),
                ("Nature of Abnormal Test", "ID"), ("Observation Result Status", "ID"),
                ("Effective Date of Reference Range", "TS"), ("User Defined Access Checks", "ST"),
                ("Date/Time of the Observation", "TS"), ("Producer's ID", "CE"), ("Responsible Observer", "XCN"),
                ("Observation Method", "CE"), ("Equipment Instance Identifier", "EI"),
                ("Date/Time of the Analysis", "TS"),
            ]),
        HL7SegmentDefinition(
            "TXA", "Transcription Document Header",
            [
                ("Set ID - TXA", "SI"), ("Document Type", "IS"), ("Document Content Presentation", "ID"),
                ("Activity Date/Time", "TS"), ("Primary Activity Provider Code/Name", "XCN"),
                ("Origination Date/Time", "TS"), ("Transcription Date/Time", "TS"), ("Edit Date/Time", "TS"),
                ("Originator Code/Name", "XCN"), ("Assigned Document Authenticator", "XCN"),
                ("Transcriptionist Code/Name", "XCN"), ("Unique Document Number", "EI"),
                ("Parent Document Number", "EI"), ("Placer Order Number", "EI"), ("Filler Order Number", "EI"),
                ("Unique Document File Name", "ST"), ("Document Completion Status", "ID"),
                ("Document Confidentiality Status", "ID"), ("Document Availability Status", "ID"),
                ("Document Storage Status", "ID"), ("Document Change Reason", "ST"),
                ("Authentication Person, Time Stamp", "PPN"), ("Distributed Copies", "XCN"),
            ]),
    ]
}
