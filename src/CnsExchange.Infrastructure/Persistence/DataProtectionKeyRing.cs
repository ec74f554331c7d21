using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace CnsExchange.Infrastructure.Persistence;

/// <summary>
/// The Data Protection key ring in PostgreSQL (<c>dataprotection.keys</c>, migration <c>DataProtectionKeys</c>), on the
/// owner's connection like Hangfire's schema: every API process on the database signs and reads the dashboard's
/// cookie with the same keys. Outside schema <c>cns</c>: the keys belong to no sandbox.
/// </summary>
public sealed class DataProtectionKeyRing(string ownerConnectionString) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = new NpgsqlConnection(ownerConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand("SELECT xml FROM dataprotection.keys ORDER BY id", connection);
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read()) elements.Add(XElement.Parse(reader.GetString(0)));
        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var connection = new NpgsqlConnection(ownerConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand("INSERT INTO dataprotection.keys (friendly_name, xml) VALUES ($1, $2)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = friendlyName });
        command.Parameters.Add(new NpgsqlParameter { Value = element.ToString(SaveOptions.DisableFormatting) });
        command.ExecuteNonQuery();
    }
}
