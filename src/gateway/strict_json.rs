//! serde lets a struct be written as a JSON array of its fields in declaration order, so
//! `["token"]` would pass for `{"refreshToken": "token"}` and `"context": ["ward 3"]` for an
//! object. The OpenAPI document promises objects; this deserializer over a parsed
//! [`Value`] refuses an array wherever a struct is expected, at any depth, and is otherwise
//! serde_json's own data model (the body's syntax and duplicate keys are checked before it).

use serde::{
    de::{
        self,
        value::{MapDeserializer, SeqDeserializer, StrDeserializer},
        DeserializeSeed, IntoDeserializer, Unexpected, Visitor,
    },
    forward_to_deserialize_any,
};
use serde_json::{Error, Value};

/// A parsed JSON value to deserialize with structs refused as arrays.
#[derive(Clone, Copy)]
pub struct ObjectsOnly<'a>(pub &'a Value);

impl<'de, 'a> IntoDeserializer<'de, Error> for ObjectsOnly<'a> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Unexpected::Unsigned(u),
            (None, Some(i)) => Unexpected::Signed(i),
            (None, None) => Unexpected::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

impl<'a> ObjectsOnly<'a> {
    fn visit_object<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Object(fields) => {
                let entries = fields.iter().map(|(k, v)| (k.as_str(), ObjectsOnly(v)));
                let mut map = MapDeserializer::new(entries);
                let out = visitor.visit_map(&mut map)?;
                map.end()?;
                Ok(out)
            }
            other => Err(de::Error::invalid_type(unexpected(other), &visitor)),
        }
    }
}

impl<'de, 'a> de::Deserializer<'de> for ObjectsOnly<'a> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => visitor.visit_u64(u),
                (None, Some(i)) => visitor.visit_i64(i),
                (None, None) => visitor.visit_f64(n.as_f64().unwrap_or(f64::NAN)),
            },
            Value::String(s) => visitor.visit_str(s),
            Value::Array(items) => {
                let mut seq = SeqDeserializer::new(items.iter().map(ObjectsOnly));
                let out = visitor.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(out)
            }
            Value::Object(_) => self.visit_object(visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.visit_object(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let mut fields = self.0.as_object().into_iter().flatten();
        match (self.0, fields.next(), fields.next()) {
            (Value::String(s), ..) => visitor.visit_enum(StrDeserializer::<Error>::new(s)),
            (_, Some((variant, value)), None) => {
                visitor.visit_enum(Variant { name: variant, value: ObjectsOnly(value) })
            }
            (other, ..) => Err(de::Error::invalid_type(unexpected(other), &"a variant name or an object with one key")),
        }
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct seq tuple tuple_struct map identifier ignored_any
    }
}

/// An externally tagged enum value: `{"variant": value}`.
struct Variant<'a> {
    name: &'a str,
    value: ObjectsOnly<'a>,
}

impl<'de, 'a> de::EnumAccess<'de> for Variant<'a> {
    type Error = Error;
    type Variant = ObjectsOnly<'a>;

    fn variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<(S::Value, Self::Variant), Error> {
        Ok((seed.deserialize(StrDeserializer::<Error>::new(self.name))?, self.value))
    }
}

impl<'de, 'a> de::VariantAccess<'de> for ObjectsOnly<'a> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        de::Deserialize::deserialize(self)
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, Error> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_seq(self, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(self, _: &'static [&'static str], visitor: V) -> Result<V::Value, Error> {
        self.visit_object(visitor)
    }
}

#[cfg(test)]
#[path = "strict_json_tests.rs"]
mod tests;
