using System.Net;
using CnsExchange.Application.Common;
using CnsExchange.Application.Features.Admin;
using CnsExchange.Application.Features.HospitalStays;
using CnsExchange.Domain.Common;
using CnsExchange.Domain.Hospital;
using CnsExchange.IntegrationTests.Support;

namespace CnsExchange.IntegrationTests.HospitalStays;

public sealed class HospitalStayTests(ApiFactory api) : ApiTest(api)
{
    private const string Adult = "1983081246785";      // woman, born 1983
    private const string Minor = "2012051469331";      // born 2012-05-14: 14 in November 2026
    private const string CrossBorderFr = "1971110258749";
    private const string AffiliationEnded = "1893120105732"; // affiliation ended 2026-10-31

    private static object Body(string matricule, string admission, string discharge, string kind = "stationary", bool childbirth = false,
        string room = "standard", bool medicallyNeeded = false, bool parentBed = false, string? country = null, object[]? operations = null) => new
    {
        matricule, admissionDate = admission, dischargeDate = discharge, kind, childbirth, room, singleRoomMedicallyNeeded = medicallyNeeded,
        accompanyingParentBed = parentBed, countryOfCare = country, operations = operations ?? [],
    };

    private async Task<HospitalStayDto> PostAsync(object body, string key = Hospital1, string? idempotencyKey = null, string? language = null)
    {
        var client = Client(key, language);
        if (idempotencyKey is not null) client.DefaultRequestHeaders.Add("Idempotency-Key", idempotencyKey);
        var response = await client.PostJsonAsync("/api/v1/hospital-stays", body);
        var stay = await response.ExpectAsync<HospitalStayDto>(HttpStatusCode.Created);
        Assert.Equal($"/api/v1/hospital-stays/{stay.Id}", response.Headers.Location?.ToString());
        return stay;
    }

    /// <summary>A page of the stays' list (GET /hospital-stays with <paramref name="query"/>) as the caller sees it.</summary>
    private async Task<Page<HospitalStaySummaryDto>> ListAsync(string query = "", string key = Hospital1) =>
        await (await Client(key).GetAsync($"/api/v1/hospital-stays{query}")).ExpectAsync<Page<HospitalStaySummaryDto>>(HttpStatusCode.OK);

    private static int DaysCharged(HospitalStayDto stay) => stay.Participation!.DaysCharged;
    private static IEnumerable<string> Codes(HospitalStayDto stay) => stay.Reasons.Select(r => r.Code);

    private async Task<string> AddChildAsync(DateOnly birthDate)
    {
        var matricule = Matricule.Create(birthDate, 321).Value;
        await (await Client(Admin).PutJsonAsync($"/api/v1/admin/insured/{matricule}", new
        {
            firstName = "Child", lastName = "Test", sex = "male", competentFund = "CNS", residenceCountry = "LU", crossBorderWorker = false,
            affiliations = new[] { new { from = birthDate.ToString("yyyy-MM-dd"), to = (string?)null } },
        })).ExpectAsync(HttpStatusCode.OK);
        return matricule;
    }

    // ---- outcomes ----------------------------------------------------------------------------------------------

    [Fact]
    public async Task Adult_stationary_stay_is_paid_by_cns_less_25_50_per_started_day()
    {
        var stay = await PostAsync(Body(Adult, "2026-11-16", "2026-11-20"));
        Assert.Equal(HospitalStayStatus.Accepted, stay.Status);
        Assert.Equal(5, stay.Days);
        Assert.Equal(2400.00m, stay.Amounts.TariffAmount);
        Assert.Equal(127.50m, stay.Amounts.InsuredParticipation);
        Assert.Equal(2272.50m, stay.Amounts.CnsAmount);
        Assert.Equal(100m, stay.DoctorFees!.RatePercent);
        Assert.True(stay.DoctorFees!.DirectBillingAllowed);
        Assert.Contains("HOSPITAL_PARTICIPATION", Codes(stay));
        Assert.Contains("DIRECT_BILLING_ALLOWED", Codes(stay));
        var participation = stay.Reasons.First(r => r.Code == "HOSPITAL_PARTICIPATION");
        Assert.Equal("Insured participation: 5 × 25.50 EUR = 127.50 EUR.", participation.Message);
    }

    [Fact]
    public async Task Thirty_day_ceiling_holds_across_three_stays_of_the_year()
    {
        var first = await PostAsync(Body(Adult, "2026-02-01", "2026-02-12"));
        var second = await PostAsync(Body(Adult, "2026-05-01", "2026-05-12"));
        var third = await PostAsync(Body(Adult, "2026-09-01", "2026-09-12"));
        var fourth = await PostAsync(Body(Adult, "2026-10-01", "2026-10-03"));
        Assert.Equal([12, 12, 6, 0], new[] { first, second, third, fourth }.Select(DaysCharged));
        Assert.Equal(24, third.Participation!.Years[0].ChargedBefore);
        Assert.Contains("PARTICIPATION_CEILING_REACHED", Codes(third));
        Assert.Equal(0m, fourth.Amounts.InsuredParticipation);
        Assert.Equal(3 * 480.00m, fourth.Amounts.CnsAmount);
    }

    [Fact]
    public async Task Concurrent_stays_never_exceed_the_yearly_ceiling()
    {
        // A pair of 20-day stays at the same moment: one gets 20 days, the other the 10 left.
        var pair = await Task.WhenAll(
            PostAsync(Body(Adult, "2026-01-01", "2026-01-20")),
            PostAsync(Body(Adult, "2026-03-01", "2026-03-20")));
        Assert.Equal(30, pair.Sum(DaysCharged));
        Assert.Contains(10, pair.Select(DaysCharged));

        // A burst for another insured person: six 10-day stays, 60 days asked, 30 charged.
        var other = await AddChildAsync(new DateOnly(1990, 6, 1));
        var burst = await Task.WhenAll(Enumerable.Range(1, 6).Select(month =>
            PostAsync(Body(other, $"2026-{month:00}-01", $"2026-{month:00}-10"))));
        Assert.Equal(30, burst.Sum(DaysCharged));
        Assert.Equal(30 * 25.50m, burst.Sum(s => s.Amounts.InsuredParticipation));
    }

    [Fact]
    public async Task Minor_pays_no_participation()
    {
        var stay = await PostAsync(Body(Minor, "2026-11-16", "2026-11-20"));
        Assert.Equal(0, DaysCharged(stay));
        Assert.Equal(2400.00m, stay.Amounts.CnsAmount);
        Assert.Contains("PARTICIPATION_NOT_DUE_MINOR", Codes(stay));

        var day = await PostAsync(Body(Minor, "2026-11-10", "2026-11-10", kind: "day_hospital"));
        Assert.Equal(0m, day.Amounts.InsuredParticipation);
        Assert.Equal(100m, day.DoctorFees!.RatePercent);
    }

    [Fact]
    public async Task Childbirth_stay_is_free_for_its_first_12_days()
    {
        var twelve = await PostAsync(Body(Adult, "2026-06-01", "2026-06-12", childbirth: true));
        Assert.Equal(0, DaysCharged(twelve));
        Assert.Contains("CHILDBIRTH_DAYS_EXEMPT", Codes(twelve));

        var fourteen = await PostAsync(Body(Adult, "2026-09-01", "2026-09-14", childbirth: true));
        Assert.Equal(2, DaysCharged(fourteen));
        Assert.Equal(51.00m, fourteen.Amounts.InsuredParticipation);
    }

    [Theory]
    [InlineData("day_hospital", 240.00, 88)]
    [InlineData("surveillance_place", 180.00, 100)]
    public async Task Day_hospital_and_surveillance_place_cost_12_75_a_day(string kind, decimal dayTariff, int feeRate)
    {
        var stay = await PostAsync(Body(Adult, "2026-11-20", "2026-11-20", kind: kind));
        Assert.Equal(12.75m, stay.Amounts.InsuredParticipation);
        Assert.Equal(dayTariff - 12.75m, stay.Amounts.CnsAmount);
        Assert.Equal("HOS-03", stay.Participation!.Rule);
        Assert.Equal(feeRate, stay.DoctorFees!.RatePercent);
        Assert.False(stay.DoctorFees!.DirectBillingAllowed);
        Assert.Contains("DIRECT_BILLING_ABOVE_AMOUNT_ONLY", Codes(stay));
    }

    [Fact]
    public async Task Stay_across_new_year_is_split_between_the_two_years()
    {
        await PostAsync(Body(Adult, "2025-10-01", "2025-10-28")); // 28 days of 2025 used
        var crossing = await PostAsync(Body(Adult, "2025-12-28", "2026-01-03"));
        var years = crossing.Participation!.Years;
        Assert.Equal(2025, years[0].Year);
        Assert.Equal(4, years[0].StayDays);
        Assert.Equal(2, years[0].ChargedDays);
        Assert.Equal(2026, years[1].Year);
        Assert.Equal(3, years[1].ChargedDays);
        Assert.Equal(5 * 25.50m, crossing.Amounts.InsuredParticipation);

        var later = await PostAsync(Body(Adult, "2026-03-01", "2026-03-30")); // 30 days asked, 27 left in 2026
        Assert.Equal(27, DaysCharged(later));
    }

    [Theory]
    [InlineData(false, SingleRoomSurcharge.AtInsuredCharge, "SINGLE_ROOM_NOT_COVERED")]
    [InlineData(true, SingleRoomSurcharge.NotChargeable, "SINGLE_ROOM_SURCHARGE_NOT_CHARGEABLE")]
    public async Task Single_room_surcharge_is_never_covered_and_not_chargeable_when_medically_needed(bool needed, SingleRoomSurcharge surcharge, string code)
    {
        var stay = await PostAsync(Body(Adult, "2026-11-16", "2026-11-18", room: "single", medicallyNeeded: needed));
        Assert.Equal(surcharge, stay.DoctorFees!.SingleRoomSurcharge);
        Assert.False(stay.DoctorFees!.SingleRoomSurchargeCovered);
        Assert.Contains(code, Codes(stay));
        Assert.Equal(3 * 480.00m - 3 * 25.50m, stay.Amounts.CnsAmount);
    }

    [Fact]
    public async Task Parent_bed_is_covered_for_a_child_under_14_not_for_one_of_14()
    {
        var child = await AddChildAsync(new DateOnly(2015, 3, 10));
        var young = await PostAsync(Body(child, "2026-11-16", "2026-11-18", parentBed: true));
        var bed = young.Lines.Single(l => l.Type == StayLineType.AccompanyingBed);
        Assert.True(bed.Covered);
        Assert.Equal(3 * 45.00m, bed.CnsAmount);
        Assert.Contains("MEALS_NOT_COVERED", Codes(young));

        var older = await PostAsync(Body(Minor, "2026-11-16", "2026-11-18", parentBed: true));
        Assert.Contains("ACCOMPANYING_BED_NOT_COVERED", Codes(older));
        Assert.Equal(3 * 45.00m, older.Amounts.NotCoveredAmount);
        Assert.Equal(3 * 480.00m, older.Amounts.CnsAmount);
    }

    [Fact]
    public async Task Several_operations_are_paid_only_when_the_main_one_is_covered()
    {
        var covered = await PostAsync(Body(Adult, "2026-11-16", "2026-11-20",
            operations: [new { actCode = "HOP02", main = true }, new { actCode = "HOP03", main = false }]));
        Assert.Equal(2400.00m + 2400.00m + 900.00m - 127.50m, covered.Amounts.CnsAmount);

        var notCovered = await PostAsync(Body(Minor, "2026-11-16", "2026-11-20",
            operations: [new { actCode = "HOPX1", main = true }, new { actCode = "HOP03", main = false }]));
        var operations = notCovered.Lines.Where(l => l.Type == StayLineType.Operation).ToList();
        Assert.All(operations, o => Assert.False(o.Covered));
        Assert.Contains("MAIN_OPERATION_NOT_COVERED", Codes(notCovered));
        Assert.Contains("NOT_COVERED", Codes(notCovered));
        Assert.Equal(1500.00m + 900.00m, notCovered.Amounts.NotCoveredAmount);
        Assert.Equal(2400.00m, notCovered.Amounts.CnsAmount);
    }

    [Fact]
    public async Task Cross_border_worker_treated_in_the_country_of_residence_goes_to_the_local_fund()
    {
        var abroad = await PostAsync(Body(CrossBorderFr, "2026-11-16", "2026-11-20", country: "FR"));
        Assert.Equal(HospitalStayStatus.Refused, abroad.Status);
        Assert.Equal(["COMPETENT_FUND_ABROAD"], Codes(abroad));
        Assert.Equal(0m, abroad.Amounts.CnsAmount);

        var here = await PostAsync(Body(CrossBorderFr, "2026-11-16", "2026-11-20"));
        Assert.Equal(HospitalStayStatus.Accepted, here.Status);
    }

    [Fact]
    public async Task Unknown_or_unaffiliated_insured_is_refused()
    {
        var unknown = await PostAsync(Body(Matricule.Create(new DateOnly(1990, 1, 1), 999).Value, "2026-11-16", "2026-11-20"));
        Assert.Equal(["INSURED_UNKNOWN"], Codes(unknown));
        var ended = await PostAsync(Body(AffiliationEnded, "2026-11-16", "2026-11-20"));
        Assert.Equal(["INSURED_NOT_AFFILIATED"], Codes(ended));
        Assert.Equal(HospitalStayStatus.Refused, ended.Status);
    }

    [Fact]
    public async Task Overlapping_stay_is_refused_but_a_transfer_day_is_charged_once()
    {
        await PostAsync(Body(Adult, "2026-11-01", "2026-11-05"));
        var overlap = await PostAsync(Body(Adult, "2026-11-03", "2026-11-08"));
        Assert.Equal(["HOSPITAL_STAY_OVERLAP"], Codes(overlap));

        var transfer = await PostAsync(Body(Adult, "2026-11-05", "2026-11-08"));
        Assert.Equal(HospitalStayStatus.Accepted, transfer.Status);
        Assert.Equal(4, transfer.Days);
        Assert.Equal(3, DaysCharged(transfer));
    }

    [Fact]
    public async Task Reasons_follow_accept_language()
    {
        var stay = await PostAsync(Body(Adult, "2026-11-16", "2026-11-17"), language: "fr");
        var message = stay.Reasons.First(r => r.Code == "HOSPITAL_PARTICIPATION").Message;
        Assert.StartsWith("Participation", message);
    }

    // ---- bad input, access, idempotency, reading ------------------------------------------------------------

    public static TheoryData<string, string> BadBodies() => new()
    {
        { """{"matricule":"1983081246785","admissionDate":"2026-11-20","dischargeDate":"2026-11-19","kind":"stationary"}""", "dischargeDate" },
        { """{"matricule":"1983081246786","admissionDate":"2026-11-16","dischargeDate":"2026-11-19","kind":"stationary"}""", "matricule" },
        { """{"matricule":"12345","admissionDate":"2026-11-16","dischargeDate":"2026-11-19","kind":"stationary"}""", "matricule" },
        { """{"matricule":"1983081246785","admissionDate":"2026-11-16","dischargeDate":"2026-11-24","kind":"stationary"}""", "dischargeDate" },
        { """{"matricule":"1983081246785","dischargeDate":"2026-11-19","kind":"stationary"}""", "admissionDate" },
        { """{"matricule":"1983081246785","admissionDate":"2026-11-16","dischargeDate":"2026-11-19"}""", "kind" },
        { """{"matricule":"1983081246785","admissionDate":"2026-11-16","dischargeDate":"2026-11-16","kind":"day_hospital","childbirth":true}""", "childbirth" },
        { """{"matricule":"1983081246785","admissionDate":"2026-11-16","dischargeDate":"2026-11-19","kind":"stationary","singleRoomMedicallyNeeded":true}""", "singleRoomMedicallyNeeded" },
        { """{"matricule":"1983081246785","admissionDate":"2026-11-16","dischargeDate":"2026-11-19","kind":"stationary","countryOfCare":"France"}""", "countryOfCare" },
        { """{"matricule":"1983081246785","admissionDate":"2026-11-16","dischargeDate":"2026-11-19","kind":"stationary","operations":[{"actCode":"ZK11","main":true}]}""", "operations[0].actCode" },
        { """{"matricule":"1983081246785","admissionDate":"2026-11-16","dischargeDate":"2026-11-19","kind":"stationary","operations":[{"actCode":"HOP01"},{"actCode":"HOP03"}]}""", "operations" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_input_is_a_400_naming_the_field_and_stores_nothing(string json, string field)
    {
        var response = await Client(Hospital1).PostAsync("/api/v1/hospital-stays", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var problem = await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(problem["errors"]![field]);
        Assert.Empty((await ListAsync()).Items);
    }

    [Fact]
    public async Task Unknown_kind_is_a_400_naming_the_field()
    {
        var response = await Client(Hospital1).PostAsync("/api/v1/hospital-stays", new StringContent(
            """{"matricule":"1983081246785","admissionDate":"2026-11-16","dischargeDate":"2026-11-19","kind":"hotel"}""",
            System.Text.Encoding.UTF8, "application/json"));
        var problem = await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "malformed_json");
        Assert.NotNull(problem["errors"]!["kind"]);
    }

    [Theory]
    [InlineData(Physio1, HttpStatusCode.Forbidden)]
    [InlineData(Thermal1, HttpStatusCode.Forbidden)]
    [InlineData(Reviewer, HttpStatusCode.Forbidden)]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    public async Task Only_hospitals_send_stays(string? key, HttpStatusCode status)
    {
        var response = await Client(key).PostJsonAsync("/api/v1/hospital-stays", Body(Adult, "2026-11-16", "2026-11-20"));
        Assert.Equal(status, response.StatusCode);
        Assert.Empty((await ListAsync()).Items);
    }

    [Fact]
    public async Task Same_idempotency_key_replays_the_stay_and_charges_once()
    {
        var body = Body(Adult, "2026-11-16", "2026-11-20");
        var first = await PostAsync(body, idempotencyKey: "stay-42");
        var client = Client(Hospital1);
        client.DefaultRequestHeaders.Add("Idempotency-Key", "stay-42");
        var replay = await client.PostJsonAsync("/api/v1/hospital-stays", body);
        var again = await replay.ExpectAsync<HospitalStayDto>(HttpStatusCode.Created);
        Assert.Equal(first.Id, again.Id);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());

        var other = await client.PostJsonAsync("/api/v1/hospital-stays", Body(Adult, "2026-11-21", "2026-11-22"));
        await other.ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");

        var next = await PostAsync(Body(Adult, "2026-10-01", "2026-10-30")); // 5 days charged so far, 25 left
        Assert.Equal(25, DaysCharged(next));
    }

    [Fact]
    public async Task Stay_is_read_by_its_hospital_and_staff_not_by_another_hospital()
    {
        var stay = await PostAsync(Body(Adult, "2026-11-16", "2026-11-20"));
        var url = $"/api/v1/hospital-stays/{stay.Id}";
        var own = await (await Client(Hospital1).GetAsync(url)).ExpectAsync<HospitalStayDto>(HttpStatusCode.OK);
        Assert.Equal("HOS0001", own.ProviderCode);
        Assert.Equal(stay.Amounts, own.Amounts);
        // Records compare their lists of reasons by reference: the lines without them, then the reasons in order.
        Assert.Equal(stay.Lines.Select(l => (l with { Reasons = [] }, l.Reasons.Count)), own.Lines.Select(l => (l with { Reasons = [] }, l.Reasons.Count)));
        Assert.Equal(stay.Lines.SelectMany(l => l.Reasons), own.Lines.SelectMany(l => l.Reasons));
        await (await Client(Reviewer).GetAsync(url)).ExpectAsync(HttpStatusCode.OK);

        var created = await (await Client(Admin).PostJsonAsync("/api/v1/admin/providers", new
        {
            code = "HOS0002", kind = "hospital", name = "Other hospital", iban = "LU280019400644750000", bic = "BCEELULL",
        })).ExpectAsync<ProviderCreated>(HttpStatusCode.Created);
        var otherKey = created.ApiKey;
        await (await Client(otherKey).GetAsync(url)).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Empty((await ListAsync(key: otherKey)).Items);
        await (await Client(Hospital1).GetAsync($"/api/v1/hospital-stays/{Guid.NewGuid()}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task List_is_paged_newest_first_and_filtered()
    {
        var ids = new List<string>();
        foreach (var month in new[] { 3, 5, 7 })
        {
            ids.Add((await PostAsync(Body(Adult, $"2026-{month:00}-01", $"2026-{month:00}-02"))).Id.ToString());
            await (await Client(Admin).PutJsonAsync("/api/v1/admin/clock", new { advanceHours = 1 })).ExpectAsync(HttpStatusCode.OK);
        }
        await PostAsync(Body(AffiliationEnded, "2026-11-16", "2026-11-17"));

        var page1 = await ListAsync("?status=accepted&limit=2");
        Assert.Equal([ids[2], ids[1]], page1.Items.Select(i => i.Id.ToString()));
        var cursor = page1.NextCursor!;
        var page2 = await ListAsync($"?status=accepted&limit=2&cursor={cursor}");
        Assert.Equal([ids[0]], page2.Items.Select(i => i.Id.ToString()));
        Assert.Null(page2.NextCursor);

        Assert.Single((await ListAsync("?status=refused")).Items);
        var may = await ListAsync("?admittedFrom=2026-05-01&admittedTo=2026-05-31");
        Assert.Equal([ids[1]], may.Items.Select(i => i.Id.ToString()));
    }
}
