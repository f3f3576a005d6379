//! Which array type holds elements of a given type, and how its text form
//! separates them.
//!
//! The table covers every built-in type that has an array type; custom types
//! (enums, composites, domains, extension types) have per-database OIDs and
//! are not in it.

use crate::{Dump, Policy, StaticType};
use postgres_types::{Kind, Type};

/// The built-in array type whose elements are `elem`: `int4` → `int4[]`
/// (`_int4`), `text` → `text[]`, `numeric` → `numeric[]`, … `None` for types
/// without a built-in array type (custom types, arrays themselves).
///
/// This decides the PostgreSQL type of `Vec<T>`, `[T]` and
/// [`Array<T>`](crate::types::Array) from `T`'s own type.
///
/// ```
/// use pgcast_core::types::array_type_of;
/// use postgres_types::Type;
///
/// assert_eq!(array_type_of(&Type::INT2), Some(Type::INT2_ARRAY));
/// assert_eq!(array_type_of(&Type::TIMESTAMPTZ), Some(Type::TIMESTAMPTZ_ARRAY));
/// assert_eq!(array_type_of(&Type::INT4_ARRAY), None);
/// ```
pub fn array_type_of(elem: &Type) -> Option<Type> {
    Some(match *elem {
        Type::XML => Type::XML_ARRAY,
        Type::JSON => Type::JSON_ARRAY,
        Type::XID8 => Type::XID8_ARRAY,
        Type::LINE => Type::LINE_ARRAY,
        Type::CIDR => Type::CIDR_ARRAY,
        Type::CIRCLE => Type::CIRCLE_ARRAY,
        Type::MACADDR8 => Type::MACADDR8_ARRAY,
        Type::MONEY => Type::MONEY_ARRAY,
        Type::BOOL => Type::BOOL_ARRAY,
        Type::BYTEA => Type::BYTEA_ARRAY,
        Type::CHAR => Type::CHAR_ARRAY,
        Type::NAME => Type::NAME_ARRAY,
        Type::INT2 => Type::INT2_ARRAY,
        Type::INT2_VECTOR => Type::INT2_VECTOR_ARRAY,
        Type::INT4 => Type::INT4_ARRAY,
        Type::REGPROC => Type::REGPROC_ARRAY,
        Type::TEXT => Type::TEXT_ARRAY,
        Type::TID => Type::TID_ARRAY,
        Type::XID => Type::XID_ARRAY,
        Type::CID => Type::CID_ARRAY,
        Type::OID_VECTOR => Type::OID_VECTOR_ARRAY,
        Type::BPCHAR => Type::BPCHAR_ARRAY,
        Type::VARCHAR => Type::VARCHAR_ARRAY,
        Type::INT8 => Type::INT8_ARRAY,
        Type::POINT => Type::POINT_ARRAY,
        Type::LSEG => Type::LSEG_ARRAY,
        Type::PATH => Type::PATH_ARRAY,
        Type::BOX => Type::BOX_ARRAY,
        Type::FLOAT4 => Type::FLOAT4_ARRAY,
        Type::FLOAT8 => Type::FLOAT8_ARRAY,
        Type::POLYGON => Type::POLYGON_ARRAY,
        Type::OID => Type::OID_ARRAY,
        Type::ACLITEM => Type::ACLITEM_ARRAY,
        Type::MACADDR => Type::MACADDR_ARRAY,
        Type::INET => Type::INET_ARRAY,
        Type::TIMESTAMP => Type::TIMESTAMP_ARRAY,
        Type::DATE => Type::DATE_ARRAY,
        Type::TIME => Type::TIME_ARRAY,
        Type::TIMESTAMPTZ => Type::TIMESTAMPTZ_ARRAY,
        Type::INTERVAL => Type::INTERVAL_ARRAY,
        Type::NUMERIC => Type::NUMERIC_ARRAY,
        Type::CSTRING => Type::CSTRING_ARRAY,
        Type::TIMETZ => Type::TIMETZ_ARRAY,
        Type::BIT => Type::BIT_ARRAY,
        Type::VARBIT => Type::VARBIT_ARRAY,
        Type::REFCURSOR => Type::REFCURSOR_ARRAY,
        Type::REGPROCEDURE => Type::REGPROCEDURE_ARRAY,
        Type::REGOPER => Type::REGOPER_ARRAY,
        Type::REGOPERATOR => Type::REGOPERATOR_ARRAY,
        Type::REGCLASS => Type::REGCLASS_ARRAY,
        Type::REGTYPE => Type::REGTYPE_ARRAY,
        Type::RECORD => Type::RECORD_ARRAY,
        Type::TXID_SNAPSHOT => Type::TXID_SNAPSHOT_ARRAY,
        Type::UUID => Type::UUID_ARRAY,
        Type::PG_LSN => Type::PG_LSN_ARRAY,
        Type::TS_VECTOR => Type::TS_VECTOR_ARRAY,
        Type::GTS_VECTOR => Type::GTS_VECTOR_ARRAY,
        Type::TSQUERY => Type::TSQUERY_ARRAY,
        Type::REGCONFIG => Type::REGCONFIG_ARRAY,
        Type::REGDICTIONARY => Type::REGDICTIONARY_ARRAY,
        Type::JSONB => Type::JSONB_ARRAY,
        Type::INT4_RANGE => Type::INT4_RANGE_ARRAY,
        Type::NUM_RANGE => Type::NUM_RANGE_ARRAY,
        Type::TS_RANGE => Type::TS_RANGE_ARRAY,
        Type::TSTZ_RANGE => Type::TSTZ_RANGE_ARRAY,
        Type::DATE_RANGE => Type::DATE_RANGE_ARRAY,
        Type::INT8_RANGE => Type::INT8_RANGE_ARRAY,
        Type::JSONPATH => Type::JSONPATH_ARRAY,
        Type::REGNAMESPACE => Type::REGNAMESPACE_ARRAY,
        Type::REGROLE => Type::REGROLE_ARRAY,
        Type::REGCOLLATION => Type::REGCOLLATION_ARRAY,
        Type::PG_SNAPSHOT => Type::PG_SNAPSHOT_ARRAY,
        Type::INT4MULTI_RANGE => Type::INT4MULTI_RANGE_ARRAY,
        Type::NUMMULTI_RANGE => Type::NUMMULTI_RANGE_ARRAY,
        Type::TSMULTI_RANGE => Type::TSMULTI_RANGE_ARRAY,
        Type::TSTZMULTI_RANGE => Type::TSTZMULTI_RANGE_ARRAY,
        Type::DATEMULTI_RANGE => Type::DATEMULTI_RANGE_ARRAY,
        Type::INT8MULTI_RANGE => Type::INT8MULTI_RANGE_ARRAY,
        _ => return None,
    })
}

/// The element delimiter of the text form of arrays of `elem`: `;` for
/// `box` (whose own text contains commas), `,` for every other built-in type.
///
/// ```
/// use pgcast_core::types::array_delimiter;
/// use postgres_types::Type;
///
/// assert_eq!(array_delimiter(&Type::BOX), b';');
/// assert_eq!(array_delimiter(&Type::TEXT), b',');
/// ```
pub fn array_delimiter(elem: &Type) -> u8 {
    match *elem {
        Type::BOX => b';',
        _ => b',',
    }
}

/// `record`, the element type of `record[]`.
static RECORD: Type = Type::RECORD;

/// The element type of an array type, looking through domains over arrays.
pub(crate) fn element_type(ty: &Type) -> Option<&Type> {
    match ty.kind() {
        Kind::Array(elem) => Some(elem),
        Kind::Domain(base) => element_type(base),
        // postgres-types describes `_record` as a pseudo-type, yet the server
        // sends it as an array of anonymous records (`array_agg(ROW(…))`).
        _ if *ty == Type::RECORD_ARRAY => Some(&RECORD),
        _ => None,
    }
}

/// The array type for elements of `elem`: the built-in one, else a type the
/// server infers from the statement (OID 0, "unspecified"), still carrying
/// the element type so values can be written.
pub(crate) fn array_type_or_unspecified(elem: Type) -> Type {
    match array_type_of(&elem) {
        Some(ty) => ty,
        None => {
            let name = format!("_{}", elem.name());
            let schema = elem.schema().to_owned();
            Type::new(name, 0, Kind::Array(elem), schema)
        }
    }
}

/// The PostgreSQL type of a collection's elements: `T`'s static type, or,
/// for element types with none (the dynamic `Value`), the type of the first
/// element that has one.
pub(crate) fn elements_type<'a, T: Dump + StaticType + 'a>(
    elements: impl IntoIterator<Item = &'a T>,
    policy: &Policy,
) -> Type {
    let known = |t: &Type| t.oid() != 0 && *t != Type::UNKNOWN;
    let own = T::static_type(policy);
    if known(&own) {
        return own;
    }
    elements
        .into_iter()
        .map(|e| e.pg_type(policy))
        .find(known)
        .unwrap_or(own)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_matches_the_catalogue() {
        for (elem, array) in [
            (Type::XML, Type::XML_ARRAY),
            (Type::JSON, Type::JSON_ARRAY),
            (Type::XID8, Type::XID8_ARRAY),
            (Type::LINE, Type::LINE_ARRAY),
            (Type::CIDR, Type::CIDR_ARRAY),
            (Type::CIRCLE, Type::CIRCLE_ARRAY),
            (Type::MACADDR8, Type::MACADDR8_ARRAY),
            (Type::MONEY, Type::MONEY_ARRAY),
            (Type::BOOL, Type::BOOL_ARRAY),
            (Type::BYTEA, Type::BYTEA_ARRAY),
            (Type::CHAR, Type::CHAR_ARRAY),
            (Type::NAME, Type::NAME_ARRAY),
            (Type::INT2, Type::INT2_ARRAY),
            (Type::INT2_VECTOR, Type::INT2_VECTOR_ARRAY),
            (Type::INT4, Type::INT4_ARRAY),
            (Type::REGPROC, Type::REGPROC_ARRAY),
            (Type::TEXT, Type::TEXT_ARRAY),
            (Type::TID, Type::TID_ARRAY),
            (Type::XID, Type::XID_ARRAY),
            (Type::CID, Type::CID_ARRAY),
            (Type::OID_VECTOR, Type::OID_VECTOR_ARRAY),
            (Type::BPCHAR, Type::BPCHAR_ARRAY),
            (Type::VARCHAR, Type::VARCHAR_ARRAY),
            (Type::INT8, Type::INT8_ARRAY),
            (Type::POINT, Type::POINT_ARRAY),
            (Type::LSEG, Type::LSEG_ARRAY),
            (Type::PATH, Type::PATH_ARRAY),
            (Type::BOX, Type::BOX_ARRAY),
            (Type::FLOAT4, Type::FLOAT4_ARRAY),
            (Type::FLOAT8, Type::FLOAT8_ARRAY),
            (Type::POLYGON, Type::POLYGON_ARRAY),
            (Type::OID, Type::OID_ARRAY),
            (Type::ACLITEM, Type::ACLITEM_ARRAY),
            (Type::MACADDR, Type::MACADDR_ARRAY),
            (Type::INET, Type::INET_ARRAY),
            (Type::TIMESTAMP, Type::TIMESTAMP_ARRAY),
            (Type::DATE, Type::DATE_ARRAY),
            (Type::TIME, Type::TIME_ARRAY),
            (Type::TIMESTAMPTZ, Type::TIMESTAMPTZ_ARRAY),
            (Type::INTERVAL, Type::INTERVAL_ARRAY),
            (Type::NUMERIC, Type::NUMERIC_ARRAY),
            (Type::CSTRING, Type::CSTRING_ARRAY),
            (Type::TIMETZ, Type::TIMETZ_ARRAY),
            (Type::BIT, Type::BIT_ARRAY),
            (Type::VARBIT, Type::VARBIT_ARRAY),
            (Type::REFCURSOR, Type::REFCURSOR_ARRAY),
            (Type::REGPROCEDURE, Type::REGPROCEDURE_ARRAY),
            (Type::REGOPER, Type::REGOPER_ARRAY),
            (Type::REGOPERATOR, Type::REGOPERATOR_ARRAY),
            (Type::REGCLASS, Type::REGCLASS_ARRAY),
            (Type::REGTYPE, Type::REGTYPE_ARRAY),
            (Type::RECORD, Type::RECORD_ARRAY),
            (Type::TXID_SNAPSHOT, Type::TXID_SNAPSHOT_ARRAY),
            (Type::UUID, Type::UUID_ARRAY),
            (Type::PG_LSN, Type::PG_LSN_ARRAY),
            (Type::TS_VECTOR, Type::TS_VECTOR_ARRAY),
            (Type::GTS_VECTOR, Type::GTS_VECTOR_ARRAY),
            (Type::TSQUERY, Type::TSQUERY_ARRAY),
            (Type::REGCONFIG, Type::REGCONFIG_ARRAY),
            (Type::REGDICTIONARY, Type::REGDICTIONARY_ARRAY),
            (Type::JSONB, Type::JSONB_ARRAY),
            (Type::INT4_RANGE, Type::INT4_RANGE_ARRAY),
            (Type::NUM_RANGE, Type::NUM_RANGE_ARRAY),
            (Type::TS_RANGE, Type::TS_RANGE_ARRAY),
            (Type::TSTZ_RANGE, Type::TSTZ_RANGE_ARRAY),
            (Type::DATE_RANGE, Type::DATE_RANGE_ARRAY),
            (Type::INT8_RANGE, Type::INT8_RANGE_ARRAY),
            (Type::JSONPATH, Type::JSONPATH_ARRAY),
            (Type::REGNAMESPACE, Type::REGNAMESPACE_ARRAY),
            (Type::REGROLE, Type::REGROLE_ARRAY),
            (Type::REGCOLLATION, Type::REGCOLLATION_ARRAY),
            (Type::PG_SNAPSHOT, Type::PG_SNAPSHOT_ARRAY),
            (Type::INT4MULTI_RANGE, Type::INT4MULTI_RANGE_ARRAY),
            (Type::NUMMULTI_RANGE, Type::NUMMULTI_RANGE_ARRAY),
            (Type::TSMULTI_RANGE, Type::TSMULTI_RANGE_ARRAY),
            (Type::TSTZMULTI_RANGE, Type::TSTZMULTI_RANGE_ARRAY),
            (Type::DATEMULTI_RANGE, Type::DATEMULTI_RANGE_ARRAY),
            (Type::INT8MULTI_RANGE, Type::INT8MULTI_RANGE_ARRAY),
        ] {
            assert_eq!(
                array_type_of(&elem).as_ref(),
                Some(&array),
                "{}",
                elem.name()
            );
            // postgres-types describes record[] as a pseudo-type
            if array != Type::RECORD_ARRAY {
                assert_eq!(array.kind(), &Kind::Array(elem.clone()), "{}", array.name());
            }
        }
    }

    #[test]
    fn custom_elements_are_left_to_the_server() {
        let mood = Type::new("mood".into(), 90_001, Kind::Enum(vec![]), "public".into());
        assert_eq!(array_type_of(&mood), None);
        let ty = array_type_or_unspecified(mood.clone());
        assert_eq!(ty.oid(), 0);
        assert_eq!(ty.name(), "_mood");
        assert_eq!(element_type(&ty), Some(&mood));
        assert_eq!(array_type_or_unspecified(Type::UUID), Type::UUID_ARRAY);
    }

    #[test]
    fn record_arrays_hold_records() {
        assert_eq!(element_type(&Type::RECORD_ARRAY), Some(&Type::RECORD));
        assert_eq!(element_type(&Type::RECORD), None);
    }
}
