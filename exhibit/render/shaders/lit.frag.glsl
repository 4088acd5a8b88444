#version 130
#include "common.glsl"
#include "lit_in.glsl"
uniform vec4 u_surface;   // x: emissive 0..1, y: translucent (lamplight through paper), z: alpha cut, w: gloss
#ifdef MODEL_MATERIAL
// artists' models (glTF, bam, egg): their material's base colour counts too
uniform struct p3d_MaterialParameters { vec4 baseColor; vec4 diffuse; } p3d_Material;
#endif
out vec4 o_color;

void main() {
    if (u_clip.x > 0.5 && v_world.z > u_clip.y + 0.02) discard;   // a reflection ends at the water
    vec4 albedo = texture(p3d_Texture0, v_uv) * v_color * p3d_ColorScale;
#ifdef MODEL_MATERIAL
    albedo *= p3d_Material.baseColor;
#endif
    if (albedo.a < u_surface.z) discard;
    vec3 light = mix(gl_FrontFacing ? v_light : v_light_back, vec3(1.0), u_surface.x);
    vec3 color = albedo.rgb * light;
    if (u_surface.y > 0.0 || u_surface.w > 0.0) {
        // paper and gloss stay per pixel: small lit windows and sharp highlights
        vec3 n = dot(v_normal, v_normal) > 1e-8 ? normalize(v_normal) : vec3(0.0, 0.0, 1.0);
        if (!gl_FrontFacing) n = -n;
        if (u_surface.y > 0.0) color += albedo.rgb * u_surface.y * lamp_through(v_world, n) * 3.5;
        if (u_surface.w > 0.0) {
            vec3 v = normalize(v_cam - v_world);
            vec3 h = normalize(v + u_sun_dir);
            float spec = pow(max(dot(n, h), 0.0), 40.0) * u_surface.w;
            color += u_sun_color * spec;
        }
    }
    // self-lit things (slogans, lamps) carry further through the haze
    float k = exp(-v_fog * (1.0 - 0.6 * u_surface.x));
    o_color = vec4(tone(mix(u_fog_color.rgb, color, k)), albedo.a);
}
