#version 130
// Staff pictures (photographs, scanned documents, slogan boards): the texture's sRGB
// values are the picture's colours, shown as they are. Light scales them but never past
// the picture's own white (no tone curve: a backlit board, u_surface.x = 1, shows the
// file's colours exactly), and fog softens them with distance like everything else.
#include "common.glsl"
#include "lit_in.glsl"
uniform vec4 u_surface;   // x: emissive (1 for lit: false)
out vec4 o_color;

void main() {
    vec4 albedo = texture(p3d_Texture0, v_uv) * v_color * p3d_ColorScale;
    if (albedo.a < 0.01) discard;
    vec3 light = mix(gl_FrontFacing ? v_light : v_light_back, vec3(1.0), u_surface.x);
    float k = exp(-v_fog * (1.0 - 0.6 * u_surface.x));
    o_color = vec4(mix(u_fog_color.rgb, albedo.rgb * min(light, vec3(1.0)), k), albedo.a);
}
