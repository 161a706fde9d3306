//! Imports every registry serves without a reference: Confluent's own option and logical
//! type files and the common `google/type` files. The `google/protobuf` well-known files
//! come from protox. Texts written here from the public definitions (types only).

/// `(import path, source)` of the built-in files other than `google/protobuf/*`.
pub const FILES: &[(&str, &str)] = &[
    ("confluent/meta.proto", CONFLUENT_META),
    ("confluent/type/decimal.proto", CONFLUENT_DECIMAL),
    ("google/type/calendar_period.proto", GOOGLE_CALENDAR_PERIOD),
    ("google/type/color.proto", GOOGLE_COLOR),
    ("google/type/date.proto", GOOGLE_DATE),
    ("google/type/datetime.proto", GOOGLE_DATETIME),
    ("google/type/dayofweek.proto", GOOGLE_DAYOFWEEK),
    ("google/type/decimal.proto", GOOGLE_DECIMAL),
    ("google/type/expr.proto", GOOGLE_EXPR),
    ("google/type/fraction.proto", GOOGLE_FRACTION),
    ("google/type/interval.proto", GOOGLE_INTERVAL),
    ("google/type/latlng.proto", GOOGLE_LATLNG),
    ("google/type/localized_text.proto", GOOGLE_LOCALIZED_TEXT),
    ("google/type/money.proto", GOOGLE_MONEY),
    ("google/type/month.proto", GOOGLE_MONTH),
    ("google/type/phone_number.proto", GOOGLE_PHONE_NUMBER),
    ("google/type/postal_address.proto", GOOGLE_POSTAL_ADDRESS),
    ("google/type/quaternion.proto", GOOGLE_QUATERNION),
    ("google/type/timeofday.proto", GOOGLE_TIMEOFDAY),
];

/// The `google/protobuf` files protox provides.
pub const WELL_KNOWN: &[&str] = &[
    "google/protobuf/any.proto",
    "google/protobuf/api.proto",
    "google/protobuf/descriptor.proto",
    "google/protobuf/duration.proto",
    "google/protobuf/empty.proto",
    "google/protobuf/field_mask.proto",
    "google/protobuf/source_context.proto",
    "google/protobuf/struct.proto",
    "google/protobuf/timestamp.proto",
    "google/protobuf/type.proto",
    "google/protobuf/wrappers.proto",
    "google/protobuf/compiler/plugin.proto",
];

/// Whether a built-in file of that name exists (`is_builtin` reserves the whole
/// `google/protobuf/` folder; this is what an import of it would find).
pub fn exists(name: &str) -> bool {
    WELL_KNOWN.contains(&name) || source(name).is_some()
}

/// The source of a built-in file, if `name` is one.
pub fn source(name: &str) -> Option<&'static str> {
    FILES.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
}

/// Whether `name` is an import every registry provides (Confluent §5).
pub fn is_builtin(name: &str) -> bool {
    name.starts_with("google/protobuf/") || source(name).is_some()
}

const CONFLUENT_META: &str = r#"syntax = "proto3";
package confluent;

import "google/protobuf/descriptor.proto";

message Meta {
  string doc = 1;
  map<string, string> params = 2;
  repeated string tags = 3;
}

extend google.protobuf.FileOptions {
  Meta file_meta = 1088;
}
extend google.protobuf.MessageOptions {
  Meta message_meta = 1088;
}
extend google.protobuf.FieldOptions {
  Meta field_meta = 1088;
}
extend google.protobuf.EnumOptions {
  Meta enum_meta = 1088;
}
extend google.protobuf.EnumValueOptions {
  Meta enum_value_meta = 1088;
}
"#;

const CONFLUENT_DECIMAL: &str = r#"syntax = "proto3";
package confluent.type;

message Decimal {
  bytes value = 1;
  uint32 precision = 2;
  int32 scale = 3;
}
"#;

const GOOGLE_CALENDAR_PERIOD: &str = r#"syntax = "proto3";
package google.type;

enum CalendarPeriod {
  CALENDAR_PERIOD_UNSPECIFIED = 0;
  DAY = 1;
  WEEK = 2;
  FORTNIGHT = 3;
  MONTH = 4;
  QUARTER = 5;
  HALF = 6;
  YEAR = 7;
}
"#;

const GOOGLE_COLOR: &str = r#"syntax = "proto3";
package google.type;

import "google/protobuf/wrappers.proto";

message Color {
  float red = 1;
  float green = 2;
  float blue = 3;
  google.protobuf.FloatValue alpha = 4;
}
"#;

const GOOGLE_DATE: &str = r#"syntax = "proto3";
package google.type;

message Date {
  int32 year = 1;
  int32 month = 2;
  int32 day = 3;
}
"#;

const GOOGLE_DATETIME: &str = r#"syntax = "proto3";
package google.type;

import "google/protobuf/duration.proto";

message DateTime {
  int32 year = 1;
  int32 month = 2;
  int32 day = 3;
  int32 hours = 4;
  int32 minutes = 5;
  int32 seconds = 6;
  int32 nanos = 7;
  oneof time_offset {
    google.protobuf.Duration utc_offset = 8;
    TimeZone time_zone = 9;
  }
}

message TimeZone {
  string id = 1;
  string version = 2;
}
"#;

const GOOGLE_DAYOFWEEK: &str = r#"syntax = "proto3";
package google.type;

enum DayOfWeek {
  DAY_OF_WEEK_UNSPECIFIED = 0;
  MONDAY = 1;
  TUESDAY = 2;
  WEDNESDAY = 3;
  THURSDAY = 4;
  FRIDAY = 5;
  SATURDAY = 6;
  SUNDAY = 7;
}
"#;

const GOOGLE_DECIMAL: &str = r#"syntax = "proto3";
package google.type;

message Decimal {
  string value = 1;
}
"#;

const GOOGLE_EXPR: &str = r#"syntax = "proto3";
package google.type;

message Expr {
  string expression = 1;
  string title = 2;
  string description = 3;
  string location = 4;
}
"#;

const GOOGLE_FRACTION: &str = r#"syntax = "proto3";
package google.type;

message Fraction {
  int64 numerator = 1;
  int64 denominator = 2;
}
"#;

const GOOGLE_INTERVAL: &str = r#"syntax = "proto3";
package google.type;

import "google/protobuf/timestamp.proto";

message Interval {
  google.protobuf.Timestamp start_time = 1;
  google.protobuf.Timestamp end_time = 2;
}
"#;

const GOOGLE_LATLNG: &str = r#"syntax = "proto3";
package google.type;

message LatLng {
  double latitude = 1;
  double longitude = 2;
}
"#;

const GOOGLE_LOCALIZED_TEXT: &str = r#"syntax = "proto3";
package google.type;

message LocalizedText {
  string text = 1;
  string language_code = 2;
}
"#;

const GOOGLE_MONEY: &str = r#"syntax = "proto3";
package google.type;

message Money {
  string currency_code = 1;
  int64 units = 2;
  int32 nanos = 3;
}
"#;

const GOOGLE_MONTH: &str = r#"syntax = "proto3";
package google.type;

enum Month {
  MONTH_UNSPECIFIED = 0;
  JANUARY = 1;
  FEBRUARY = 2;
  MARCH = 3;
  APRIL = 4;
  MAY = 5;
  JUNE = 6;
  JULY = 7;
  AUGUST = 8;
  SEPTEMBER = 9;
  OCTOBER = 10;
  NOVEMBER = 11;
  DECEMBER = 12;
}
"#;

const GOOGLE_PHONE_NUMBER: &str = r#"syntax = "proto3";
package google.type;

message PhoneNumber {
  message ShortCode {
    string region_code = 1;
    string number = 2;
  }
  oneof kind {
    string e164_number = 1;
    ShortCode short_code = 2;
  }
  string extension = 3;
}
"#;

const GOOGLE_POSTAL_ADDRESS: &str = r#"syntax = "proto3";
package google.type;

message PostalAddress {
  int32 revision = 1;
  string region_code = 2;
  string language_code = 3;
  string postal_code = 4;
  string sorting_code = 5;
  string administrative_area = 6;
  string locality = 7;
  string sublocality = 8;
  repeated string address_lines = 9;
  repeated string recipients = 10;
  string organization = 11;
}
"#;

const GOOGLE_QUATERNION: &str = r#"syntax = "proto3";
package google.type;

message Quaternion {
  double x = 1;
  double y = 2;
  double z = 3;
  double w = 4;
}
"#;

const GOOGLE_TIMEOFDAY: &str = r#"syntax = "proto3";
package google.type;

message TimeOfDay {
  int32 hours = 1;
  int32 minutes = 2;
  int32 seconds = 3;
  int32 nanos = 4;
}
"#;
