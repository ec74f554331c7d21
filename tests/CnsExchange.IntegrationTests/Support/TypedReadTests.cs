using CnsExchange.Application.Common;

namespace CnsExchange.IntegrationTests.Support;

/// <summary>The typed test clients read strictly, so an answer that drifts from its DTO fails the test that reads it.</summary>
public sealed class TypedReadTests
{
    [Fact]
    public void A_body_matching_the_dto_is_read_with_the_api_conventions() =>
        Assert.Equal(new ReasonDto("DOCTOR_UNKNOWN", "refusal", "VAL-03", null, "m", null),
            HttpAssertions.Read<ReasonDto>("""{"code":"DOCTOR_UNKNOWN","severity":"refusal","rule":"VAL-03","field":null,"message":"m","detail":null}"""));

    [Theory]
    [InlineData("""{"code":"X","severity":"refusal","rule":"VAL-03","field":null,"message":"m","detail":null,"extra":1}""")] // field the DTO lacks
    [InlineData("""{"code":"X","severity":"refusal","rule":"VAL-03","field":null,"detail":null}""")] // field the body lacks
    [InlineData("""{"code":null,"severity":"refusal","rule":"VAL-03","field":null,"message":"m","detail":null}""")] // null where none is allowed
    public void A_body_drifting_from_the_dto_fails_the_read(string json) =>
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => HttpAssertions.Read<ReasonDto>(json));
}
