using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Metadata.Conventions;
using Microsoft.EntityFrameworkCore.Metadata.Conventions.Infrastructure;

namespace CnsExchange.Infrastructure.Persistence;

/// <summary>
/// EF's convention of an index on every foreign key, except on the few foreign keys listed here: columns that a bulk
/// update writes on every row and that no query looks rows up by. An index on such a column makes each of those updates
/// write every index of the table (no heap-only tuple update), for an index nothing reads. The foreign key itself stays.
/// </summary>
internal sealed class SelectiveForeignKeyIndexConvention(ProviderConventionSetBuilderDependencies dependencies) : ForeignKeyIndexConvention(dependencies)
{
    /// <summary>
    /// None at present: fee_memoir_lines.return_file_id, the one listed before, is no longer a column (issue 24: a line's
    /// return file is its run's and provider's).
    /// </summary>
    private static readonly HashSet<(Type Entity, string Property)> Unindexed = [];

    protected override IConventionIndex? CreateIndex(IReadOnlyList<IConventionProperty> properties, bool unique, IConventionEntityTypeBuilder entityTypeBuilder) =>
        properties.Count == 1 && Unindexed.Contains((entityTypeBuilder.Metadata.ClrType, properties[0].Name))
            ? null
            : base.CreateIndex(properties, unique, entityTypeBuilder);

}
