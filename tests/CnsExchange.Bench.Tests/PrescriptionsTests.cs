using System.Net;
using System.Text;
using System.Text.Json;
using CnsExchange.Bench;

namespace CnsExchange.Bench.Tests;

/// <summary>
/// The bench's validations are new prescriptions, each agreed once: a repeated one is refused as a duplicate (VAL-14), costs
/// less than an agreement and would flatter the figure; and only an agreement counts towards P1.
/// </summary>
public class PrescriptionsTests
{
    private static readonly DateOnly Today = new(2026, 12, 5);
    private static readonly Uri Api = new("http://127.0.0.1:5000");

    [Fact]
    public void Every_prescription_of_a_sandbox_differs_in_insured_doctor_or_date_up_to_the_capacity_and_none_is_made_beyond_it()
    {
        var prescriptions = Prescriptions.Unregistered(0, Today);
        var keys = new HashSet<(string, string, DateOnly)>();
        for (long n = 0; n < Prescriptions.Capacity; n++)
        {
            var key = prescriptions.KeyOf(n);
            Assert.True(keys.Add(key), $"prescription {n} repeats an earlier one: {key}");
        }
        // Only the registry's doctors, and dates VAL-02 accepts (at most 31 days before the request) and not in the future.
        Assert.All(keys, k => Assert.Matches("^9000000[1-9]$|^90000010$", k.Item2));
        Assert.All(keys, k => Assert.InRange(k.Item3, Today.AddDays(-27), Today));
        Assert.Throws<InvalidOperationException>(() => prescriptions.KeyOf(Prescriptions.Capacity));
    }

    [Fact]
    public void Two_populations_share_no_insured_so_two_scenarios_on_one_sandbox_never_send_the_same_prescription()
    {
        var first = Enumerable.Range(0, Prescriptions.InsuredCount).Select(i => Prescriptions.Matricule(0, i)).ToHashSet();
        var others = Enumerable.Range(1, 2).SelectMany(p => Enumerable.Range(0, Prescriptions.InsuredCount).Select(i => Prescriptions.Matricule(p, i))).ToList();
        Assert.Equal(Prescriptions.InsuredCount, first.Count);
        Assert.Equal(2 * Prescriptions.InsuredCount, others.Distinct().Count());
        Assert.DoesNotContain(others, first.Contains);
    }

    [Fact]
    public async Task Each_api_key_walks_its_own_prescriptions_and_every_request_is_a_new_one_with_a_new_scan()
    {
        var prescriptions = Prescriptions.Unregistered(0, Today);
        var a1 = await ReadAsync(prescriptions.Next(Api, "/api/v1/validation-requests", "key-a"));
        var a2 = await ReadAsync(prescriptions.Next(Api, "/api/v1/validation-requests", "key-a"));
        var b1 = await ReadAsync(prescriptions.Next(Api, "/api/v1/validation-requests", "key-b"));

        Assert.NotEqual(a1.Key, a2.Key);
        Assert.NotEqual(Convert.ToHexString(a1.Scan), Convert.ToHexString(a2.Scan));
        Assert.Equal(a1.Key, b1.Key); // another sandbox: its first prescription
        Assert.Equal(prescriptions.KeyOf(0), a1.Key);
        Assert.Equal(prescriptions.KeyOf(1), a2.Key);
        Assert.Equal(20 * 1024, a1.Scan.Length);
    }

    [Theory]
    [InlineData(201, """{"status":"agreed","reasons":[]}""", true, "201 agreed")]
    [InlineData(201, """{"status":"refused","reasons":[{"code":"DUPLICATE_PRESCRIPTION"},{"code":"DUPLICATE_PRESCRIPTION"}]}""", false, "201 refused (DUPLICATE_PRESCRIPTION)")]
    [InlineData(201, """{"status":"pending","reasons":[{"code":"MANUAL_REVIEW_REQUIRED"},{"code":"DEPENDENCY_INSURANCE_OVERLAP"}]}""", false, "201 pending (DEPENDENCY_INSURANCE_OVERLAP+MANUAL_REVIEW_REQUIRED)")]
    [InlineData(429, """{"title":"Too many requests"}""", false, "429")]
    public void Only_an_agreement_counts_and_any_other_answer_is_labelled_with_its_decision(int status, string body, bool counts, string label)
    {
        using var response = new HttpResponseMessage((HttpStatusCode)status);
        Assert.Equal(new Answer(counts, label), Prescriptions.Agreed(response, Encoding.UTF8.GetBytes(body)));
    }

    private static async Task<((string, string, DateOnly) Key, byte[] Scan)> ReadAsync(HttpRequestMessage request)
    {
        using (request)
        {
            var form = (MultipartFormDataContent)request.Content!;
            var parts = form.ToList();
            using var json = JsonDocument.Parse(await parts[0].ReadAsStringAsync());
            var root = json.RootElement;
            var key = (root.GetProperty("matricule").GetString()!, root.GetProperty("doctor").GetProperty("code").GetString()!,
                DateOnly.Parse(root.GetProperty("prescriptionDate").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
            return (key, await parts[1].ReadAsByteArrayAsync());
        }
    }
}
