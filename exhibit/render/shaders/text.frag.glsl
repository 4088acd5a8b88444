#version 130
// Text in the world: glyph textures hold coverage in alpha only; the colour comes from
// the vertex colour (TextNode's, white) times the colour scale (the slogan's colour, the
// object's tint and opacity). Mostly self-lit, so red reads as red in haze and at night.
#include "common.glsl"
#include "lit_in.glsl"
uniform vec4 u_surface;   // x: emissive 0..1
out vec4 o_color;

void main() {
    if (u_clip.x > 0.5 && v_world.z > u_clip.y + 0.02) discard;   // a reflection ends at the water
    vec4 albedo = vec4(1.0, 1.0, 1.0, texture(p3d_Texture0, v_uv).a) * v_color * p3d_ColorScale;
    if (albedo.a < 0.01) discard;
    vec3 light = mix(gl_FrontFacing ? v_light : v_light_back, vec3(1.0), u_surface.x);
    float k = exp(-v_fog * (1.0 - 0.6 * u_surface.x));
    o_color = vec4(tone(mix(u_fog_color.rgb, albedo.rgb * light, k)), albedo.a);
}
